import Foundation
import TransformerEngine

/// Activation patching sweeps (Heimersheim & Nanda 2024, arXiv 2404.15255; Zhang & Nanda 2024):
/// run one prompt with one activation taken from another prompt's run, for every cell of a
/// granularity, and measure the metric. Names, granularities and output shapes follow
/// TransformerLens's `patching` module; both directions are available and labelled.
public enum ActivationPatching {
  /// One sweep over a batch of aligned pairs. Values are the metric of each patched run (mean
  /// over the batch), or the normalised score (patched - corrupted)/(clean - corrupted) when
  /// `normalise`. A batch of several pairs also carries per-prompt statistics. A cancelled sweep
  /// returns `complete: false` with the cells it did not reach `null`.
  public static func sweep(
    _ sweep: PatchingSweep, subject: AnalysisSubject, pair: PromptPairBatch,
    metric choice: MetricChoice = .logitDifference, direction: PatchDirection = .denoising,
    normalise: Bool = false, progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    let started = Date()
    let model = subject.model
    let (target, source) = direction == .denoising ? (pair.corrupted, pair.clean) : (pair.clean, pair.corrupted)
    let metric = try choice.metric(for: pair) { try model.forward(pair.clean) }
    let runner = try VariantRunner(subject: subject, tokens: target, metric: metric)
    _ = try model.validate(tokens: source)

    let baselines = try Baselines(runner: runner, pair: pair, metric: metric)
    let (_, sourceCache) = try model.runWithCache(source, sites: sweep.sites(layers: subject.layers))
    let cells = sweep.allCells(layers: subject.layers, heads: subject.heads, positions: pair.length)
    let variants = cells.map { cell in [ActivationEdit(site: cell.site, selector: cell.selector, source: sourceCache[cell.site]!)] }
    progress.start(total: variants.count)
    let perRow = try runner.run(variants, progress: progress)

    let axes = sweep.axes(layers: subject.layers, heads: subject.heads, positions: pair.positionLabels(subject.tokenText))
    var result = AnalysisResult(
      kind: "patch.\(sweep.rawValue)",
      metric: baselines.summary(choice: choice, pair: pair, subject: subject, normalised: normalise),
      axes: axes, values: ResultGrid(missing: axes.map(\.count)),
      params: pair.params.merging([
        "sweep": .string(sweep.rawValue), "direction": .string(direction.rawValue), "metric": choice.params,
        "normalise": .bool(normalise),
      ]) { $1 },
      model: subject.identity)
    try fill(&result, perRow: perRow, baselines: normalise ? baselines : nil, prompts: pair.count)
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }

  /// Writes per-variant values into a result: the mean over prompts, optionally normalised, and
  /// for more than one prompt the dataset statistics. Unrun variants stay null and mark the
  /// result incomplete.
  static func fill(_ result: inout AnalysisResult, perRow: [[Double]?], baselines: Baselines?, prompts: Int) throws {
    func transform(_ x: Double) throws -> Double {
      guard let baselines else { return x }
      return try normalisedPatchingScore(x, clean: baselines.clean, corrupted: baselines.corrupted)
    }
    let shape = result.shape
    var cells = [ResultCell](repeating: .missing, count: perRow.count)
    for (i, rows) in perRow.enumerated() {
      guard let rows else { continue }
      cells[i] = .number(try transform(rows.reduce(0, +) / Double(rows.count)))
    }
    result.values = ResultGrid(shape: shape, cells: cells)
    result.complete = !perRow.contains { $0 == nil }
    if prompts > 1, result.complete {
      var statistics = DatasetStatistics(shape: shape)
      for b in 0..<prompts { statistics.add(try perRow.map { try transform($0![b]) }) }
      result.attach(statistics)
    }
  }
}

/// The metric on the unpatched clean and corrupted runs (computed once: Heimersheim & Nanda).
struct Baselines {
  let clean: Double
  let corrupted: Double

  init(runner: VariantRunner, pair: PromptPairBatch, metric: Metric) throws {
    let model = runner.subject.model
    clean = try metric.mean(model.forward(pair.clean, logits: runner.logitSelection))
    corrupted = try metric.mean(model.forward(pair.corrupted, logits: runner.logitSelection))
  }

  func summary(choice: MetricChoice, pair: PromptPairBatch, subject: AnalysisSubject, normalised: Bool) -> MetricSummary {
    let single = pair.count == 1
    let answer = single && choice.kind != .loss && choice.kind != .klDivergence ? subject.tokenText(pair.answers[0]) : nil
    let wrong = single && choice.kind == .logitDifference ? subject.tokenText(pair.wrongs[0]) : nil
    return MetricSummary(name: choice.kind.rawValue, answer: answer, wrong: wrong, clean: clean, corrupted: corrupted, normalised: normalised)
  }
}
