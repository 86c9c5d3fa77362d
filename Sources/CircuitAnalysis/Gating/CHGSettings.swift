/// The training settings of causal head gating (Nam et al. 2025, "Causal Head Gating",
/// arXiv 2505.13737). Defaults are those of the official code `andrewnam/causal_head_gating`
/// (papers.md section 1): Adam at lr 1.0, gradient-norm clipping at 1.0, batch 32, 500 updates per
/// stage, |λ| = 0.1, the regulariser's clamp at ±4, gates drawn uniform on [0, 1].
/// `CHGSettings.contrastive` gives the defaults of contrastive CHG (`ContrastiveCHGTrainer`).
public struct CHGSettings: Sendable, Equatable {
  /// What the gates are fitted for (papers.md section 1).
  public enum Objective: Sendable, Equatable {
    /// The three stages of `CHGTrainer.fit` (λ = 0, then +|λ| and −|λ| from it) on one prompt set.
    case threeStage
    /// Contrastive CHG (`ContrastiveCHGTrainer`): one stage from the random start with keep
    /// pressure +|λ|, on positive and negative prompts paired row by row:
    ///   loss = −mean logp_pos + mean clamp(logp_neg − stopgrad(logp_pos), min: −maxDifference) − λ·mean clamp(θ).
    case contrastive(maxDifference: Double)
  }

  /// Adam's learning rate, every stage (the code's `lr` and `lr_reg`, both 1.0).
  public var learningRate: Double = 1.0
  /// The learning rate at the end of each stage (the code's `lr_end`): the rate falls linearly from
  /// `learningRate` by torch's `LinearLR(start_factor 1, end_factor lr_end / lr, total_iters =
  /// steps)`, stepped after each update; nil keeps it constant (the three-stage default).
  public var learningRateEnd: Double?
  public var objective: Objective = .threeStage
  /// Optimisation steps (Adam updates) per stage (`num_updates` = `num_reg_updates` = 500).
  public var stepsPerStage: Int = 500
  /// Prompts per step per restart (`batch_size` = 32); a dataset no larger is used whole each step.
  public var batchSize: Int = 32
  /// The largest L2 norm of one restart's θ gradient (`clip_grad_norm_` at 1.0).
  public var clipNorm: Double = 1.0
  /// |λ| of the regularised stages: G⁺ fits with +λ (keep pressure), G⁻ with −λ (`l1_weight`).
  public var lambda: Double = 0.1
  /// θ is clamped to ±clamp inside the regulariser (`l1_clamp` = 4).
  public var clamp: Double = 4
  /// Stage 1 draws each gate uniform on [initLow, initHigh] (`mask_init_range` = (0, 1)), clamps it to
  /// [1e-6, 1 − 1e-6] and starts from its logit θ = σ⁻¹(G).
  public var initLow: Double = 0
  public var initHigh: Double = 1
  /// K, independent masks trained side by side on the batch axis (`num_masks`).
  public var restarts: Int = 1
  /// Seeds stage 1's random start and the order minibatches are drawn in.
  public var seed: UInt64 = 0
  /// Adam's β₁, β₂ and ε (PyTorch's defaults).
  public var beta1: Double = 0.9
  public var beta2: Double = 0.999
  public var epsilon: Double = 1e-8
  /// Hard labels compare G⁺ and G⁻ with this threshold (the fork's default, 0.5).
  public var threshold: Double = 0.5
  /// A fixed stage-1 start, θ [K][L·NH] row-major (layer, head), replacing the random one (to start
  /// from a reference implementation's θ).
  public var initialTheta: [[Double]]?

  public init() {}

  /// The defaults of contrastive CHG (the official `ContrastiveCHGTrainer`): keep pressure
  /// λ = +0.1, `max_diff` 5, Adam lr 0.1 decaying linearly to 0.01, batch 64, 500 updates,
  /// clipping at 1.0.
  public static var contrastive: CHGSettings {
    var s = CHGSettings()
    s.objective = .contrastive(maxDifference: 5)
    s.learningRate = 0.1
    s.learningRateEnd = 0.01
    s.batchSize = 64
    return s
  }

  /// The stages this objective fits, in order.
  var stages: [GateFit.Stage] {
    if case .contrastive = objective { return [.contrastive] }
    return [.unregularised, .keep, .remove]
  }

  /// The learning rate of update `step` (0-based) of a stage of `steps` updates: torch's LinearLR
  /// factor 1 + (end/lr − 1)·min(step, steps)/steps.
  func learningRate(step: Int, of steps: Int) -> Double {
    guard let end = learningRateEnd else { return learningRate }
    return learningRate * (1 + (end / learningRate - 1) * Double(min(step, steps)) / Double(steps))
  }

  /// Checks the settings; the error names the setting.
  public func validate() throws {
    func fail(_ message: String) -> AnalysisError { .invalidArgument("causal head gating: \(message)") }
    guard learningRate > 0, learningRate.isFinite else { throw fail("the learning rate must be positive, got \(learningRate)") }
    if let end = learningRateEnd, !(end > 0 && end.isFinite) { throw fail("the final learning rate must be positive, got \(end)") }
    if case .contrastive(let maxDifference) = objective, !(maxDifference > 0 && maxDifference.isFinite) {
      throw fail("contrastive CHG's max difference must be positive, got \(maxDifference)")
    }
    guard stepsPerStage >= 1 else { throw fail("steps per stage must be >= 1, got \(stepsPerStage)") }
    guard batchSize >= 1 else { throw fail("the batch size must be >= 1, got \(batchSize)") }
    guard clipNorm > 0 else { throw fail("the clipping norm must be positive, got \(clipNorm)") }
    guard lambda.isFinite, lambda >= 0 else { throw fail("lambda is the magnitude |λ| of the regularised stages, >= 0, got \(lambda)") }
    guard restarts >= 1 else { throw fail("restarts must be >= 1, got \(restarts)") }
    guard initLow >= 0, initHigh <= 1, initLow <= initHigh else { throw fail("the initial gate range must lie in [0, 1], got [\(initLow), \(initHigh)]") }
    if let initialTheta, initialTheta.count != restarts {
      throw fail("a fixed start needs one θ per restart: \(restarts) restarts, \(initialTheta.count) θ given")
    }
  }

  /// The settings as a result's params.
  var params: [String: JSONValue] {
    var out: [String: JSONValue] = [
      "learning_rate": .number(learningRate), "steps_per_stage": .integer(stepsPerStage), "batch_size": .integer(batchSize),
      "clip_norm": .number(clipNorm), "lambda": .number(lambda), "clamp": .number(clamp), "restarts": .integer(restarts),
      "seed": .integer(Int(truncatingIfNeeded: seed)), "init_range": .array([.number(initLow), .number(initHigh)]),
      "adam": ["beta1": .number(beta1), "beta2": .number(beta2), "eps": .number(epsilon)],
      "threshold": .number(threshold), "fixed_start": .bool(initialTheta != nil),
    ]
    if let learningRateEnd { out["learning_rate_end"] = .number(learningRateEnd) }
    if case .contrastive(let maxDifference) = objective { out["max_difference"] = .number(maxDifference) }
    return out
  }
}
