import Foundation
import TransformerEngine

/// The three-stage fit of causal head gating (Nam et al. 2025, arXiv 2505.13737; `CHGTrainer.fit`
/// of the official code): stage 1 with λ = 0 from a random start, then G⁺ with λ = +|λ| and G⁻ with
/// λ = −|λ|, both from stage 1's θ. Each restart has its own θ and its own Adam state.
/// Contrastive CHG (`ContrastiveCHGTrainer`) is one stage, `contrastive`, from the random start
/// with +|λ| and the negative rows (`CHGSettings.Objective`).
public struct GateFit: Sendable, Equatable {
  public enum Stage: String, CaseIterable, Sendable {
    case unregularised = "stage1", keep = "G+", remove = "G-", contrastive
    /// λ's sign in this stage.
    var lambdaSign: Double {
      switch self {
      case .unregularised: return 0
      case .keep, .contrastive: return 1
      case .remove: return -1
      }
    }
    /// Whether the stage starts from the random start (else from stage 1's θ).
    var startsFresh: Bool { self == .unregularised || self == .contrastive }
  }

  /// θ [K][L·NH] at stage 1's start.
  public var initialTheta: [[Double]]
  /// θ [K][L·NH] after each stage, by stage.
  public var theta: [String: [[Double]]] = [:]
  /// The stages fitted, in order.
  public var stages: [Stage] = []
  /// The loss of each step (before its update), [stage][step][K], stages in `stages` order.
  public var losses: [[[Double]]] = []

  /// G = σ(θ) [K][L·NH] after `stage`.
  public func gates(_ stage: Stage) -> [[Double]] { theta[stage.rawValue]!.map { $0.map(GateObjective.sigmoid) } }

  /// Runs the stages of `settings.objective` on `rows` (and, for contrastive CHG, `negative`, paired
  /// with `rows` row by row), advancing `progress` by one unit per step.
  static func run(model: TransformerModel, rows: GatingRows, negative: GatingRows? = nil, settings: CHGSettings, progress: AnalysisProgress) throws -> GateFit {
    try settings.validate()
    var maxDifference: Double?
    if case .contrastive(let d) = settings.objective { maxDifference = d }
    guard (negative == nil) == (maxDifference == nil) else {
      throw AnalysisError.invalidArgument(negative == nil ? "contrastive CHG needs a negative prompt set" : "negative prompts are only read by contrastive CHG")
    }
    if let negative, negative.count != rows.count {
      throw AnalysisError.invalidArgument("contrastive CHG pairs positive and negative prompts row by row: \(rows.count) positive, \(negative.count) negative")
    }
    let LH = model.config.layers * model.config.heads
    let start = try settings.initialTheta ?? randomStart(count: LH, settings: settings)
    for (k, theta) in start.enumerated() where theta.count != LH {
      throw AnalysisError.invalidArgument("causal head gating: the fixed start of restart \(k) has \(theta.count) values, the model has \(LH) heads")
    }
    var fit = GateFit(initialTheta: start, stages: settings.stages)
    let total = fit.stages.count * settings.stepsPerStage
    progress.start(total: total)
    let batches = rows.minibatches(steps: settings.stepsPerStage, batchSize: settings.batchSize, seed: settings.seed)
    for stage in fit.stages {
      var theta = stage.startsFresh ? start : fit.theta[Stage.unregularised.rawValue]!
      var optimisers = theta.map { GateAdam(count: $0.count, settings: settings) }
      var stageLosses: [[Double]] = []
      for (s, batch) in batches.enumerated() {
        if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: total) }
        let negativeBatch = negative.map { n in
          GateObjective.Negative(tokens: batch.map { n.tokens[$0] }, answers: batch.map { n.answers[$0] }, maxDifference: maxDifference!)
        }
        let step = try GateObjective.lossAndGradient(
          model: model, tokens: batch.map { rows.tokens[$0] }, answers: batch.map { rows.answers[$0] },
          theta: theta, lambda: stage.lambdaSign * settings.lambda, clamp: settings.clamp, negative: negativeBatch)
        stageLosses.append(step.loss)
        let rate = settings.learningRate(step: s, of: settings.stepsPerStage)
        for k in theta.indices { optimisers[k].update(&theta[k], gradient: step.gradient[k], learningRate: rate) }
        if let k = theta.firstIndex(where: { $0.contains { !$0.isFinite } }) {
          throw AnalysisError.nonFinite("θ of restart \(k) in stage \(stage.rawValue)")
        }
        progress.advance()
      }
      fit.theta[stage.rawValue] = theta
      fit.losses.append(stageLosses)
    }
    return fit
  }

  /// Stage 1's seeded start: G uniform on the init range, clamped to [1e-6, 1 − 1e-6], θ = σ⁻¹(G).
  static func randomStart(count: Int, settings: CHGSettings) -> [[Double]] {
    var generator = SplitMix64(seed: settings.seed)
    return (0..<settings.restarts).map { _ in
      (0..<count).map { _ in
        let g = min(max(Double.random(in: settings.initLow...settings.initHigh, using: &generator), 1e-6), 1 - 1e-6)
        return log(g / (1 - g))
      }
    }
  }
}
