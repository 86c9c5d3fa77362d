import Foundation

/// The training loop: seeded batches, data-parallel forward/backward, gradient clipping, AdamW
/// with warm-up + cosine schedule, periodic evaluation and checkpoints, and resume.
public final class Trainer {
  public struct Progress: Sendable {
    public let step: Int
    public let totalSteps: Int
    public let loss: Float
    public let learningRate: Float
    public let tokensPerSecond: Double
    public let elapsedSeconds: Double
    public var etaSeconds: Double { elapsedSeconds / Double(max(step, 1)) * Double(totalSteps - step) }

    /// One line: step, loss, learning rate, throughput, elapsed and remaining time.
    public var line: String {
      String(format: "step %5d/%d  loss %.4f  lr %.2e  %6.0f tok/s  elapsed %@  ETA %@",
             step, totalSteps, loss, learningRate, tokensPerSecond, Self.clock(elapsedSeconds), Self.clock(etaSeconds))
    }

    static func clock(_ seconds: Double) -> String {
      let s = Int(seconds.rounded())
      return String(format: "%d:%02d", s / 60, s % 60)
    }
  }

  public let model: TransformerModel
  public let settings: TrainingSettings
  public let data: TokenBatches
  public let optimizer: AdamW
  public let checkpoint: TrainingCheckpoint?
  private let parallel: DataParallelStep
  public private(set) var state: TrainingCheckpoint.State

  /// Prepares a run; when `checkpoint` holds a saved state, weights, optimiser and step resume
  /// from it, otherwise the model is initialised from the seed.
  public init(model: TransformerModel, settings: TrainingSettings, data: TokenBatches, checkpoint: TrainingCheckpoint?) throws {
    try settings.validate(contextLength: model.config.contextLength)
    guard data.rowLength == settings.sequenceLength + 1 else {
      throw EngineError.invalidConfig("data rows hold \(data.rowLength) tokens, settings need \(settings.sequenceLength + 1)")
    }
    guard data.rowCount > 0 else { throw EngineError.invalidConfig("the corpus produced no training rows") }
    self.model = model
    self.settings = settings
    self.data = data
    self.checkpoint = checkpoint
    optimizer = AdamW(layout: model.parameters.layout, settings: settings.adamW)
    parallel = DataParallelStep(model: model, threads: settings.shardCount)
    state = .init(step: 0, settings: settings, elapsedSeconds: 0, losses: [])
    if let checkpoint, let saved = try checkpoint.load(into: model, optimizer: optimizer) {
      guard saved.settings == settings else {
        throw EngineError.invalidConfig("the checkpoint in \(checkpoint.directory.path) was made with different training settings; use a new --out directory or the same recipe")
      }
      state = saved
    } else {
      Initialization.initialize(model, std: settings.initStd, seed: settings.seed)
    }
  }

  /// One update; returns the batch loss.
  @discardableResult
  public func step() throws -> Float {
    let (inputs, targets) = data.batch(step: state.step, size: settings.batchSize, seed: settings.seed,
                                       inductionFraction: settings.inductionFraction)
    let loss = try parallel.run(inputs: inputs, targets: targets)
    GradientClipping.clip(parallel.gradients, maxNorm: settings.gradientClip)
    optimizer.update(model.parameters, gradients: parallel.gradients, learningRate: settings.schedule.rate(at: state.step))
    state.step += 1
    return loss
  }

  /// Trains until `settings.steps` (or `shouldStop` says so), reporting each step, evaluating and
  /// checkpointing on schedule, and checkpointing at the end.
  public func run(
    shouldStop: () -> Bool = { false },
    evaluate: ((Int) throws -> Void)? = nil,
    report: (Progress) -> Void
  ) throws {
    let start = Date()
    let elapsedBefore = state.elapsedSeconds
    let stepAtStart = state.step
    var lastLoss: Float = .nan
    while state.step < settings.steps && !shouldStop() {
      lastLoss = try step()
      let elapsed = elapsedBefore + Date().timeIntervalSince(start)
      state.elapsedSeconds = elapsed
      if state.step % 10 == 0 || state.step == settings.steps { state.losses.append([Double(state.step), Double(lastLoss)]) }
      let tokens = Double((state.step - stepAtStart) * settings.batchSize * settings.sequenceLength)
      report(Progress(step: state.step, totalSteps: settings.steps, loss: lastLoss,
                      learningRate: settings.schedule.rate(at: state.step - 1),
                      tokensPerSecond: tokens / max(Date().timeIntervalSince(start), 1e-9), elapsedSeconds: elapsed))
      if settings.evaluateEvery > 0, state.step % settings.evaluateEvery == 0 { try evaluate?(state.step) }
      if let checkpoint, settings.checkpointEvery > 0, state.step % settings.checkpointEvery == 0 {
        try checkpoint.save(model: model, optimizer: optimizer, state: state, endOfTextID: Int(data.bos))
      }
    }
    if let checkpoint, state.step > stepAtStart { try checkpoint.save(model: model, optimizer: optimizer, state: state, endOfTextID: Int(data.bos)) }
  }

  /// Mean cross-entropy over rows (no gradient), e.g. on held-out data.
  public func loss(on rows: TokenBatches, maxRows: Int = 256) throws -> Float {
    let n = min(maxRows, rows.rowCount)
    guard n > 0 else { return .nan }
    var total: Float = 0
    var batchStart = 0
    while batchStart < n {
      let count = min(settings.batchSize, n - batchStart)
      var inputs: [[Int]] = [], targets: [[Int]] = []
      for r in batchStart..<(batchStart + count) {
        let row = rows.rows[(r * rows.rowLength)..<((r + 1) * rows.rowLength)].map(Int.init)
        inputs.append(Array(row.dropLast()))
        targets.append(Array(row.dropFirst()))
      }
      let logits = try model.forward(inputs, logits: .all)
      total += Float(count) * (try Objectives.crossEntropy(targets: targets)(logits).value)
      batchStart += count
    }
    return total / Float(n)
  }
}
