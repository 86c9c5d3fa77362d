import Foundation

/// Forward + backward of one batch split across threads: each shard of rows runs on its own
/// replica (same weights, own activations) with single-threaded BLAS, and the shards' gradients
/// are combined in a fixed order, so results do not depend on thread timing. On small models
/// this beats multi-threaded BLAS, whose threads mostly wait on each other.
///
/// For training only: replicas carry no hooks or head gates, and while a step runs the
/// process-wide BLAS thread count is 1 (restored afterwards), so run nothing else on the engine
/// meanwhile.
public final class DataParallelStep {
  public let model: TransformerModel
  private let replicas: [TransformerModel]
  private let shardGradients: [ParameterStore]
  /// The combined gradient of the last `run` (mean cross-entropy over the whole batch).
  public let gradients: ParameterStore

  public init(model: TransformerModel, threads: Int) {
    self.model = model
    let count = max(1, threads)
    replicas = [model] + (1..<count).map { _ in TransformerModel(sharingWeightsOf: model) }
    shardGradients = (0..<count).map { _ in ParameterStore(layout: model.parameters.layout) }
    gradients = ParameterStore(layout: model.parameters.layout)
  }

  /// Mean next-token cross-entropy of the batch; leaves its gradient in `gradients`.
  public func run(inputs: [[Int]], targets: [[Int]]) throws -> Float {
    guard !inputs.isEmpty, inputs.count == targets.count else {
      throw EngineError.invalidConfig("a training batch needs at least one row and one target row per input row")
    }
    let shards = min(replicas.count, inputs.count)
    let bounds = (0...shards).map { $0 * inputs.count / shards }
    var losses = [Float](repeating: 0, count: shards)
    var failure: Error?
    let lock = NSLockShim()
    let previousThreads = BLAS.threadCount
    if shards > 1 { BLAS.threadCount = 1 }
    defer { if shards > 1 { BLAS.threadCount = previousThreads } }
    losses.withUnsafeMutableBufferPointer { lossBuffer in
      let lossPointer = lossBuffer.baseAddress!
      DispatchQueue.concurrentPerform(iterations: shards) { s in
        let range = bounds[s]..<bounds[s + 1]
        shardGradients[s].zero()
        do {
          let result = try replicas[s].gradients(
            Array(inputs[range]), logits: .all, parameterGradients: shardGradients[s],
            objective: Objectives.crossEntropy(targets: Array(targets[range])))
          lossPointer[s] = result.value
        } catch {
          lock.locked { failure = failure ?? error }
        }
      }
    }
    if let failure { throw failure }
    // Weighted by shard size: the batch mean is the size-weighted mean of shard means.
    gradients.zero()
    var loss: Float = 0
    let count = gradients.layout.storageCount
    for s in 0..<shards {
      let weight = Float(bounds[s + 1] - bounds[s]) / Float(inputs.count)
      loss += weight * losses[s]
      let g = shardGradients[s].base
      for i in 0..<count { gradients.base[i] += weight * g[i] }
    }
    return loss
  }
}
