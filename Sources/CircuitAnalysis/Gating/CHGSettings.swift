/// The training settings of causal head gating (Nam et al. 2025, "Causal Head Gating",
/// arXiv 2505.13737). Defaults are those of the official code `andrewnam/causal_head_gating`
/// (papers.md section 1): Adam at lr 1.0, gradient-norm clipping at 1.0, batch 32, 500 updates per
/// stage, |λ| = 0.1, the regulariser's clamp at ±4, gates drawn uniform on [0, 1].
public struct CHGSettings: Sendable, Equatable {
  /// Adam's learning rate, every stage (the code's `lr` and `lr_reg`, both 1.0), constant.
  public var learningRate: Double = 1.0
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

  /// Checks the settings; the error names the setting.
  public func validate() throws {
    func fail(_ message: String) -> AnalysisError { .invalidArgument("causal head gating: \(message)") }
    guard learningRate > 0, learningRate.isFinite else { throw fail("the learning rate must be positive, got \(learningRate)") }
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
    [
      "learning_rate": .number(learningRate), "steps_per_stage": .integer(stepsPerStage), "batch_size": .integer(batchSize),
      "clip_norm": .number(clipNorm), "lambda": .number(lambda), "clamp": .number(clamp), "restarts": .integer(restarts),
      "seed": .integer(Int(truncatingIfNeeded: seed)), "init_range": .array([.number(initLow), .number(initHigh)]),
      "adam": ["beta1": .number(beta1), "beta2": .number(beta2), "eps": .number(epsilon)],
      "threshold": .number(threshold), "fixed_start": .bool(initialTheta != nil),
    ]
  }
}
