/// Hyperparameters of a training run (the `training` section of a recipe).
public struct TrainingSettings: Codable, Equatable, Sendable {
  public var steps: Int = 1000
  public var batchSize: Int = 32
  /// Tokens per row fed to the model (T); rows hold T + 1 tokens.
  public var sequenceLength: Int = 64
  public var learningRate: Float = 3e-3
  public var warmupFraction: Double = 0.03
  public var minimumLearningRateFraction: Float = 0.1
  public var gradientClip: Float = 1.0
  public var adamW = AdamW.Settings()
  /// Fraction of each batch made of induction rows (random tokens repeated).
  public var inductionFraction: Double = 0.25
  /// Standard deviation of the initial weights.
  public var initStd: Float = 0.05
  public var seed: UInt64 = 1
  /// Shards each batch is split into, each run on its own thread and model replica (0: 2).
  /// The shard count fixes the order in which gradients are summed, so it is part of the recipe
  /// rather than taken from the machine: the same recipe gives the same weights on any machine
  /// (with the same OpenBLAS kernel family).
  public var threads: Int = 0

  /// The shard count `threads` stands for.
  public var shardCount: Int { threads > 0 ? threads : 2 }
  /// Steps between evaluations and between checkpoints (0: never).
  public var evaluateEvery: Int = 500
  public var checkpointEvery: Int = 500

  public init() {}

  public var schedule: LearningRateSchedule {
    LearningRateSchedule(peak: learningRate, warmupSteps: max(1, Int(Double(steps) * warmupFraction)),
                         totalSteps: steps, minimumFraction: minimumLearningRateFraction)
  }

  /// Throws a message naming the first impossible value.
  public func validate(contextLength: Int) throws {
    func fail(_ message: String) -> EngineError { .invalidConfig(message) }
    if steps <= 0 { throw fail("training.steps must be positive, got \(steps)") }
    if batchSize <= 0 { throw fail("training.batchSize must be positive, got \(batchSize)") }
    if sequenceLength <= 1 { throw fail("training.sequenceLength must be at least 2, got \(sequenceLength)") }
    if sequenceLength > contextLength {
      throw fail("training.sequenceLength (\(sequenceLength)) is larger than the model's context (\(contextLength) positions)")
    }
    if !(learningRate > 0) { throw fail("training.learningRate must be positive") }
    if !(0...1).contains(warmupFraction) { throw fail("training.warmupFraction must be in [0, 1]") }
    if !(0...1).contains(inductionFraction) { throw fail("training.inductionFraction must be in [0, 1]") }
    if threads < 0 || threads > 256 { throw fail("training.threads must be 0 (meaning 2) to 256, got \(threads)") }
  }
}
