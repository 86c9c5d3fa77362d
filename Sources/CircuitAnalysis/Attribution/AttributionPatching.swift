import Foundation
import TransformerEngine

/// Attribution patching (Nanda 2023, "Attribution Patching: Activation Patching At Industrial
/// Scale"; papers.md section 5): the first-order Taylor estimate of every activation patch of a
/// sweep from two forward passes and one backward pass.
///
/// - Denoising: ΔM ≈ (a_clean − a_corrupted) · ∂M/∂a evaluated on the corrupted run (the
///   TransformerLens attribution-patching demo's form).
/// - Noising: ΔM ≈ (a_corrupted − a_clean) · ∂M/∂a evaluated on the clean run.
///
/// The products are summed over each cell's elements (d_model or d_head, and positions for the
/// all-position granularities) and over the batch (the metric is a batch mean). Values are the
/// estimated change of the metric, not the patched metric; add `metric.corrupted` (denoising) or
/// `metric.clean` (noising) to compare with a patching sweep. Saturated softmaxes and LayerNorm
/// make it wrong at times: spot-check top hits with real patching.
public enum AttributionPatching {
  public static func sweep(
    _ sweep: PatchingSweep, subject: AnalysisSubject, pair: PromptPairBatch,
    metric choice: MetricChoice = .logitDifference, direction: PatchDirection = .denoising,
    progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    let started = Date()
    let rows = try perRow(sweep, subject: subject, pair: pair, metric: choice, direction: direction, progress: progress)
    let axes = sweep.axes(layers: subject.layers, heads: subject.heads, positions: pair.positionLabels(subject.tokenText))
    var result = AnalysisResult(
      kind: "atp.\(sweep.rawValue)", metric: rows.summary(choice: choice, groups: [pair], subject: subject, normalised: false),
      axes: axes, values: ResultGrid(missing: axes.map(\.count)),
      params: pair.params.merging([
        "sweep": .string(sweep.rawValue), "direction": .string(direction.rawValue), "metric": choice.params,
        "estimate": "change of the metric (first-order)",
      ]) { $1 },
      model: subject.identity)
    try rows.fill(&result)
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }
}

extension AttributionPatching {
  /// Every prompt's estimate for every cell (scaled by B so that the mean over prompts is the
  /// batch estimate), with the baselines.
  static func perRow(
    _ sweep: PatchingSweep, subject: AnalysisSubject, pair: PromptPairBatch, metric choice: MetricChoice,
    direction: PatchDirection, progress: AnalysisProgress
  ) throws -> GroupedRows {
    let model = subject.model
    let (target, source) = direction == .denoising ? (pair.corrupted, pair.clean) : (pair.clean, pair.corrupted)
    let metric = try choice.metric(for: pair) { try model.forward(pair.cleanBatch) }
    _ = try model.validate(tokens: PaddedBatch(target).tokens)
    _ = try model.validate(tokens: PaddedBatch(source).tokens)
    let sites = sweep.sites(layers: subject.layers)
    let selection: LogitPositions = metric.readsEveryPosition ? .all : .last
    progress.start(total: 3)
    let (_, sourceCache) = try model.runWithCache(PaddedBatch(source), sites: sites, logits: selection)
    progress.advance()
    let (_, targetCache) = try model.runWithCache(PaddedBatch(target), sites: sites, logits: selection)
    progress.advance()
    let gradient = try model.gradients(PaddedBatch(target), logits: selection, sites: sites, objective: try metric.objective())
    progress.advance()
    if !gradient.value.isFinite { throw AnalysisError.nonFinite("the metric's value on the \(direction == .denoising ? "corrupted" : "clean") run") }

    let B = pair.count, T = pair.length
    let cells = sweep.allCells(layers: subject.layers, heads: subject.heads, positions: T)
    // perRow[cell][b]: row b's share of the estimate, scaled by B so that its mean over rows is
    // the batch estimate (the objective is a batch mean).
    let perRow: [[Double]?] = try cells.map { cell in
      let spans = try cell.selector.spans(site: cell.site, T: T, config: subject.config)
      let a = sourceCache[cell.site]!, base = targetCache[cell.site]!, g = gradient.activationGradients[cell.site]!
      let rowSize = a.count / B
      return (0..<B).map { b in
        var total = 0.0
        for span in spans {
          for i in (b * rowSize + span.offset)..<(b * rowSize + span.offset + span.length) {
            total += Double(a.values[i] - base.values[i]) * Double(g.values[i])
          }
        }
        return total * Double(B)
      }
    }
    var rows = GroupedRows(cells: cells.count)
    try rows.addBaselines(runner: VariantRunner(subject: subject, rows: target, metric: metric), pair: pair)
    rows.add(perRow)
    return rows
  }
}
