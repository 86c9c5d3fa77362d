import Foundation
import TransformerEngine

/// The three-stage fit of causal head gating (Nam et al. 2025, arXiv 2505.13737; `CHGTrainer.fit`
/// of the official code): stage 1 with λ = 0 from a random start, then G⁺ with λ = +|λ| and G⁻ with
/// λ = −|λ|, both from stage 1's θ. Each restart has its own θ and its own Adam state.
public struct GateFit: Sendable, Equatable {
  public enum Stage: String, CaseIterable, Sendable {
    case unregularised = "stage1", keep = "G+", remove = "G-"
    /// λ's sign in this stage.
    var lambdaSign: Double { self == .unregularised ? 0 : (self == .keep ? 1 : -1) }
  }

  /// θ [K][L·NH] at stage 1's start.
  public var initialTheta: [[Double]]
  /// θ [K][L·NH] after each stage, by stage.
  public var theta: [String: [[Double]]] = [:]
  /// The loss of each step (before its update), [stage][step][K], stages in `Stage.allCases` order.
  public var losses: [[[Double]]] = []

  /// G = σ(θ) [K][L·NH] after `stage`.
  public func gates(_ stage: Stage) -> [[Double]] { theta[stage.rawValue]!.map { $0.map(GateObjective.sigmoid) } }

  /// Runs the three stages on `rows`, advancing `progress` by one unit per step.
  static func run(model: TransformerModel, rows: GatingRows, settings: CHGSettings, progress: AnalysisProgress) throws -> GateFit {
    try settings.validate()
    let LH = model.config.layers * model.config.heads
    let start = try settings.initialTheta ?? randomStart(count: LH, settings: settings)
    for (k, theta) in start.enumerated() where theta.count != LH {
      throw AnalysisError.invalidArgument("causal head gating: the fixed start of restart \(k) has \(theta.count) values, the model has \(LH) heads")
    }
    var fit = GateFit(initialTheta: start)
    let total = Stage.allCases.count * settings.stepsPerStage
    progress.start(total: total)
    let batches = rows.minibatches(steps: settings.stepsPerStage, batchSize: settings.batchSize, seed: settings.seed)
    for stage in Stage.allCases {
      var theta = stage == .unregularised ? start : fit.theta[Stage.unregularised.rawValue]!
      var optimisers = theta.map { GateAdam(count: $0.count, settings: settings) }
      var stageLosses: [[Double]] = []
      for batch in batches {
        if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: total) }
        let step = try GateObjective.lossAndGradient(
          model: model, tokens: batch.map { rows.tokens[$0] }, answers: batch.map { rows.answers[$0] },
          theta: theta, lambda: stage.lambdaSign * settings.lambda, clamp: settings.clamp)
        stageLosses.append(step.loss)
        for k in theta.indices { optimisers[k].update(&theta[k], gradient: step.gradient[k]) }
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
