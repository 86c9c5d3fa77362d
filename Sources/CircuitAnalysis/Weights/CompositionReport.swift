import Foundation

/// The settings of `CompositionReport`.
public struct CompositionSettings: Sendable, Equatable {
  public var modes: [CompositionMode] = CompositionMode.allCases
  /// TransformerLens's processed weights (`WeightProcessing`) instead of the raw ones.
  public var processed = false
  /// Random matrix pairs in the baseline (`CompositionBaseline`); 0 skips it.
  public var baselineSamples = 1000
  public var seed: UInt64 = 0

  public init() {}

  func validate() throws {
    guard !modes.isEmpty else { throw AnalysisError.invalidArgument("no composition mode asked for; choose among q, k, v") }
    guard Set(modes).count == modes.count else { throw AnalysisError.invalidArgument("a composition mode is listed twice") }
    guard baselineSamples >= 0 else { throw AnalysisError.invalidArgument("the random baseline's sample count must be 0 or more, got \(baselineSamples)") }
  }
}

/// Q-, K- and V-composition scores (Elhage et al. 2021, "A Mathematical Framework for
/// Transformer Circuits") of every earlier head into every later head, as TransformerLens's
/// `model.all_composition_scores(mode)` computes them (`CompositionMode`, `CompositionGrid`),
/// beside the scores of random matrices of the same shapes (`CompositionBaseline`).
public enum CompositionReport {
  /// One `weights.composition.<mode>` result per mode, [sender_layer, sender_head,
  /// receiver_layer, receiver_head]: null where the receiver is not in a later layer (and where a
  /// circuit is zero), those cells listed in `not_computed`. `params.random_baseline` holds the
  /// baseline's mean, standard deviation and percentiles (50, 90, 95, 99), and
  /// `params.above_baseline_99` the pairs above its 99th percentile. `progress` counts receiver
  /// layers, then the baseline.
  public static func run(subject: AnalysisSubject, settings: CompositionSettings = CompositionSettings(), progress: AnalysisProgress = .none) throws -> [AnalysisResult] {
    try settings.validate()
    let started = DispatchTime.now()
    let L = subject.layers, NH = subject.heads
    let total = max(0, L - 1) + 1
    progress.start(total: total)
    let weights = try HeadWeights(subject.model, processed: settings.processed)
    let grid = try CompositionGrid(weights, modes: settings.modes, isCancelled: { progress.isCancelled })
    progress.advance(by: max(0, L - 1))
    if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: total) }
    let baseline = settings.baselineSamples > 0
      ? try CompositionBaseline.cached(modelDim: subject.config.modelDim, headDim: subject.config.headDim, samples: settings.baselineSamples, seed: settings.seed)
      : nil
    progress.advance()
    let headAxes: [ResultAxis] = [.indexed("sender_layer", count: L), .indexed("sender_head", count: NH), .indexed("receiver_layer", count: L), .indexed("receiver_head", count: NH)]
    return settings.modes.map { mode in
      let scores = grid.scores[mode]!
      let cells = scores.map { $0.map(ResultCell.number) ?? .missing }
      var result = AnalysisResult(
        kind: mode.kind, axes: headAxes, values: ResultGrid(shape: [L, NH, L, NH], cells: cells),
        params: [
          "mode": .string(mode.rawValue), "processed": .bool(settings.processed),
          "method": .string("||W_A W_B||_F / (||W_A||_F ||W_B||_F), W_A = the sender's W_V W_O, W_B = the receiver's \(matrixName(mode)) (Elhage et al. 2021; TransformerLens all_composition_scores)"),
        ], model: subject.identity, elapsedMs: elapsedMilliseconds(since: started)
      ).listingNullCells()
      if let baseline {
        result.params["random_baseline"] = baseline.params
        let bar = baseline.percentile(99)
        let above = scores.indices.filter { (scores[$0] ?? -.infinity) > bar }.map { i -> JSONValue in
          let s = HeadIndex(i / (L * NH * NH), (i / (L * NH)) % NH), r = HeadIndex((i / NH) % L, i % NH)
          return .string("\(s)->\(r)")
        }
        result.params["above_baseline_99"] = .array(above)
      }
      return result
    }
  }

  static func matrixName(_ mode: CompositionMode) -> String {
    switch mode {
    case .q: return "W_Q W_K^T (Q-composition)"
    case .k: return "W_K W_Q^T (K-composition)"
    case .v: return "W_V W_O (V-composition)"
    }
  }
}
