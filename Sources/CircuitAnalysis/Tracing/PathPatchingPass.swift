import TransformerEngine

// Legend: B prompts of the block, S senders stacked in one pass, T positions, C d_model,
// NH heads, HS head size, L layers.

/// Path patching (see `PathPatching`) on one block of prompt pairs: the clean and corrupted
/// caches, then for each chunk of senders the two stacked passes of Wang et al.'s algorithm.
/// Sender variants are stacked along the batch axis (variant-major: sender 0's B rows, then
/// sender 1's, …), and each pass starts from the clean run's `resid_pre` of its first layer that
/// can differ from the clean run.
struct PathPatchingPass {
  let subject: AnalysisSubject
  let pair: PromptPairBatch
  /// Settable: the caches do not depend on it, so one block's pass serves every receiver.
  var receivers: PathReceivers
  let metric: Metric
  let batch: PaddedBatch
  /// Each row's real length, nil when no row is padded.
  let lengths: [Int]?
  /// blocks.{l}.hook_resid_pre [B,T,C] and blocks.{l}.attn.hook_z [B,T,NH,HS] of the clean run.
  let clean: ActivationCache
  /// blocks.{l}.attn.hook_z [B,T,NH,HS] of the corrupted run.
  let corrupted: ActivationCache
  let cleanMetric: [Double]
  let corruptedMetric: [Double]
  /// Upper bound on S × B × T token rows in one pass.
  var tokenRowsPerPass = 2048

  init(subject: AnalysisSubject, pair: PromptPairBatch, receivers: PathReceivers, choice: MetricChoice) throws {
    self.subject = subject
    self.pair = pair
    self.receivers = receivers
    batch = pair.cleanBatch
    lengths = pair.hasUniformLength ? nil : batch.lengths
    let L = subject.layers, model = subject.model
    let zSites = Set((0..<L).map { HookSite.block($0, .z) })
    let (cleanLogits, clean) = try model.runWithCache(batch, sites: zSites.union((0..<L).map { .block($0, .residPre) }))
    let (corruptedLogits, corrupted) = try model.runWithCache(pair.corruptedBatch, sites: zSites)
    metric = try choice.metric(for: pair) { cleanLogits }
    self.clean = clean
    self.corrupted = corrupted
    cleanMetric = try metric.perRow(cleanLogits)
    corruptedMetric = try metric.perRow(corruptedLogits)
  }

  var B: Int { pair.count }
  var T: Int { batch.positions }

  /// The metric of every prompt row for each sender, [S][B]; nil for senders a cancellation left
  /// unrun. Progress advances by one per sender.
  func run(senders: [HeadIndex], progress: AnalysisProgress) throws -> [[Double]?] {
    var out = [[Double]?](repeating: nil, count: senders.count)
    let perChunk = max(1, tokenRowsPerPass / max(1, B * T))
    do {
      try subject.model.withCancellation({ progress.isCancelled }) {
        for start in stride(from: 0, to: senders.count, by: perChunk) {
          if progress.isCancelled { return }
          let chunk = Array(senders[start..<min(senders.count, start + perChunk)])
          let values = try measure(chunk)
          for (slot, _) in chunk.enumerated() { out[start + slot] = Array(values[(slot * B)..<((slot + 1) * B)]) }
          progress.advance(by: chunk.count)
        }
      }
    } catch EngineError.cancelled {
      return out
    }
    return out
  }

  /// The patched metric of each row of each of `senders` stacked, [S*B].
  private func measure(_ senders: [HeadIndex]) throws -> [Double] {
    let S = senders.count
    let tiledMetric = metric.tiled(S)
    let first = senders.map(\.layer).min()!
    // Step 2: the sender from the corrupted run, every other head frozen at its clean z.
    let recorder = ResidualRecorder()
    var hooks = (first..<subject.layers).map { freezeHook(layer: $0, senders: senders) }
    let receiverLayers = Set(receivers.headInputs.map(\.head.layer))
    hooks += receiverLayers.map { layer in Hook.reading(.block(layer, .residPre)) { tensor, _ in recorder.store(layer, tensor) } }
    let senderLogits = try subject.model.withHooks(hooks) {
      try subject.model.forward(fromLayer: first, residual: tiledClean(.block(first, .residPre), S), lengths: tiledLengths(S))
    }
    guard case .heads(let list) = receivers else {
      // The logits read the final residual stream of this very pass.
      return try tiledMetric.perRow(senderLogits)
    }
    // Step 3: the clean run with only the receivers' inputs patched. A receiver layer the pass
    // did not reach (at or before its first layer) has its clean input.
    let start = list.map(\.head.layer).min()!
    let inputHooks = Dictionary(grouping: list, by: \.site).map { site, group in
      let layer = site.layer!
      let residual = recorder.residuals[layer] ?? tiledClean(.block(layer, .residPre), S)  // [S*B,T,C]
      return inputHook(site: site, heads: group.map(\.head.head), residual: residual)
    }
    let logits = try subject.model.withHooks(inputHooks) {
      try subject.model.forward(fromLayer: start, residual: tiledClean(.block(start, .residPre), S), lengths: tiledLengths(S))
    }
    return try tiledMetric.perRow(logits)
  }

  /// blocks.{layer}.attn.hook_z of every variant set to the clean z, except the variant's
  /// sender in this layer, set to its corrupted z.
  private func freezeHook(layer: Int, senders: [HeadIndex]) -> Hook {
    let site = HookSite.block(layer, .z)
    let cleanZ = clean[site]!, corruptedZ = corrupted[site]!  // [B,T,NH,HS]
    let B = self.B, T = self.T, NH = subject.heads, HS = subject.config.headDim
    return Hook(site) { z, _ in  // [S*B,T,NH,HS]
      let block = B * T * NH * HS
      z.values.withUnsafeMutableBufferPointer { out in
        cleanZ.values.withUnsafeBufferPointer { c in
          corruptedZ.values.withUnsafeBufferPointer { k in
            for (slot, sender) in senders.enumerated() {
              let base = out.baseAddress! + slot * block
              base.update(from: c.baseAddress!, count: block)
              guard sender.layer == layer else { continue }
              for row in 0..<(B * T) {
                let offset = (row * NH + sender.head) * HS
                (base + offset).update(from: k.baseAddress! + offset, count: HS)
              }
            }
          }
        }
      }
    }
  }

  /// A per-head input site [S*B,T,NH,C] with the listed heads' slices set to `residual`
  /// [S*B,T,C].
  private func inputHook(site: HookSite, heads: [Int], residual: Tensor) -> Hook {
    let NH = subject.heads, C = subject.config.modelDim
    return Hook(site) { input, _ in
      let rows = input.shape[0] * input.shape[1]
      input.values.withUnsafeMutableBufferPointer { out in
        residual.values.withUnsafeBufferPointer { r in
          for row in 0..<rows {
            for h in heads { (out.baseAddress! + (row * NH + h) * C).update(from: r.baseAddress! + row * C, count: C) }
          }
        }
      }
    }
  }

  /// A clean-run activation repeated for S stacked variants, [S*B, ...].
  private func tiledClean(_ site: HookSite, _ S: Int) -> Tensor {
    let value = clean[site]!
    return Tensor(shape: [S * value.shape[0]] + value.shape.dropFirst(), values: Array([[Float]](repeating: value.values, count: S).joined()))
  }

  private func tiledLengths(_ S: Int) -> [Int]? { lengths.map { Array([[Int]](repeating: $0, count: S).joined()) } }
}

/// The residual streams a stacked pass wrote at each receiver layer's `resid_pre`.
private final class ResidualRecorder: @unchecked Sendable {
  var residuals: [Int: Tensor] = [:]
  func store(_ layer: Int, _ tensor: Tensor) { residuals[layer] = tensor }
}
