import Foundation
import TransformerEngine

/// Activation patching sweeps (Heimersheim & Nanda 2024, arXiv 2404.15255; Zhang & Nanda 2024):
/// run one prompt with one activation taken from another prompt's run, for every cell of a
/// granularity, and measure the metric. Names, granularities and output shapes follow
/// TransformerLens's `patching` module; both directions are available and labelled.
public enum ActivationPatching {
  /// One sweep over one batch of aligned pairs of equal length. See `sweep(_:subject:groups:...)`.
  public static func sweep(
    _ sweep: PatchingSweep, subject: AnalysisSubject, pair: PromptPairBatch,
    metric choice: MetricChoice = .logitDifference, direction: PatchDirection = .denoising,
    normalise: Bool = false, perPrompt: Bool = false, progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    try self.sweep(sweep, subject: subject, groups: [pair], metric: choice, direction: direction, normalise: normalise, perPrompt: perPrompt, progress: progress)
  }

  /// One sweep over a dataset given as groups of equal-length pairs. Values are the metric of
  /// each patched run (mean over all prompts), or the normalised score
  /// (patched - corrupted)/(clean - corrupted) from the mean baselines when `normalise`. More than
  /// one prompt adds per-prompt statistics, and each prompt's values with `perPrompt`. Sweeps by
  /// position need every prompt to have one
  /// length. A cancelled sweep returns `complete: false` with the cells it did not reach `null`.
  public static func sweep(
    _ sweep: PatchingSweep, subject: AnalysisSubject, groups: [PromptPairBatch],
    metric choice: MetricChoice = .logitDifference, direction: PatchDirection = .denoising,
    normalise: Bool = false, perPrompt: Bool = false, progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    let started = Date()
    guard let first = groups.first else { throw AnalysisError.emptyDataset("no prompt pairs to patch") }
    if sweep.readsPositions, groups.contains(where: { !$0.hasUniformLength || $0.length != first.length }) {
      throw AnalysisError.invalidArgument("\(sweep.rawValue) is indexed by position, so every prompt needs the same length; got lengths \(Set(groups.flatMap(\.lengths)).sorted()) (use a position-free sweep such as attn_head_out_all_pos)")
    }
    let rows = try perRow(sweep, subject: subject, groups: groups, metric: choice, direction: direction, progress: progress)
    let axes = sweep.axes(layers: subject.layers, heads: subject.heads, positions: first.positionLabels(subject.tokenText))
    var result = AnalysisResult(
      kind: "patch.\(sweep.rawValue)", metric: rows.summary(choice: choice, groups: groups, subject: subject, normalised: normalise),
      axes: axes, values: ResultGrid(missing: axes.map(\.count)),
      params: PromptPairBatch.params(groups).merging([
        "sweep": .string(sweep.rawValue), "direction": .string(direction.rawValue), "metric": choice.params,
        "normalise": .bool(normalise),
      ]) { $1 },
      model: subject.identity)
    try rows.fill(&result, normalise: normalise, perPrompt: perPrompt)
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }
}

extension ActivationPatching {
  /// Every prompt's patched metric for every cell of the sweep, with the baselines.
  static func perRow(
    _ sweep: PatchingSweep, subject: AnalysisSubject, groups: [PromptPairBatch], metric choice: MetricChoice,
    direction: PatchDirection, progress: AnalysisProgress
  ) throws -> GroupedRows {
    let cellCount = sweep.allCells(layers: subject.layers, heads: subject.heads, positions: groups[0].length).count
    progress.start(total: cellCount * groups.flatMap(\.blocks).count)
    var rows = GroupedRows(cells: cellCount)
    for group in groups.flatMap(\.blocks) {
      let metric = try choice.metric(for: group) { try subject.model.forward(group.cleanBatch) }
      let (target, source) = direction == .denoising ? (group.corrupted, group.clean) : (group.clean, group.corrupted)
      let runner = try VariantRunner(subject: subject, rows: target, metric: metric)
      _ = try subject.model.validate(tokens: PaddedBatch(source).tokens)
      try rows.addBaselines(runner: runner, pair: group)
      let (_, sourceCache) = try subject.model.runWithCache(PaddedBatch(source), sites: sweep.sites(layers: subject.layers))
      let cells = sweep.allCells(layers: subject.layers, heads: subject.heads, positions: group.length)
      let variants = cells.map { [ActivationEdit(site: $0.site, selector: $0.selector, source: sourceCache[$0.site]!)] }
      rows.add(try runner.run(variants, progress: progress))
    }
    return rows
  }
}

extension PatchingSweep {
  /// Whether the sweep has a position axis (so its prompts must share one length).
  var readsPositions: Bool {
    switch self {
    case .headOutAllPositions, .headQAllPositions, .headKAllPositions, .headVAllPositions, .headPatternAllPositions, .everyHeadAllPositions:
      return false
    default: return true
    }
  }
}
