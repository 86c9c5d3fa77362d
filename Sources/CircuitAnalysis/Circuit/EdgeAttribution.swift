import Foundation
import TransformerEngine

/// Edge attribution patching (Syed, Rager & Conmy 2023, "Attribution Patching Outperforms
/// Automated Circuit Discovery", arXiv 2310.10348; papers.md section 5) and EAP with integrated
/// gradients (Hanna, Pezzelle & Belinkov 2024, "Have Faith in Faithfulness"): a first-order
/// estimate of corrupting each edge of the circuit graph at once, from two forward passes and one
/// backward pass (EAP-IG: one backward pass per interpolation step).
///
/// score(s → r) = Σ over positions of (out_s(corrupted) − out_s(clean)) · ∂M/∂in_r, averaged over
/// the prompts, where out_s is sender s's output (embedding, head result, MLP output) and in_r the
/// input of receiver r (a head's input or its q/k/v input, an MLP's input, the logits' residual
/// stream): a receiver's input is the sum of its senders' outputs, so ∂M/∂(s's contribution to r)
/// = ∂M/∂in_r. Sign convention: the estimated CHANGE of M when the edge is corrupted (noising),
/// with the gradient taken on the clean run; the reference implementation
/// (`Aaquib111/edge-attribution-patching`) accumulates (clean − corrupted) · grad, the opposite
/// sign. Edges are ranked by |score|.
///
/// EAP-IG replaces ∂M/∂in_r by its mean over m runs of the clean tokens whose token embeddings
/// (`hook_embed`) are corrupted + (k/m)(clean − corrupted), k = 1…m (EAP-IG's
/// `input_interpolation_hook`; the positional embeddings are the same in both runs).
public enum EdgeAttribution {
  public enum Method: String, CaseIterable, Sendable {
    case eap
    case eapIG = "eap-ig"
  }

  /// The backward passes per block of prompts.
  static func passes(_ method: Method, steps: Int) -> Int { method == .eap ? 1 : steps }

  /// The full graph of `subject` with every edge's score. Runs the batch in blocks of
  /// `PromptPairBatch.blockSize` prompts; advances `progress` once per backward pass (1 per block
  /// for EAP, `steps` for EAP-IG) and throws `AnalysisError.cancelled` between passes.
  public static func scores(
    subject: AnalysisSubject, batch: PromptPairBatch, method: Method, steps: Int = 5, splitQKV: Bool = false,
    metric choice: MetricChoice = .logitDifference, progress: AnalysisProgress = .none
  ) throws -> CircuitGraph {
    guard steps >= 1 else { throw AnalysisError.invalidArgument("EAP-IG needs at least 1 interpolation step, got \(steps)") }
    let L = subject.layers, NH = subject.heads, C = subject.config.modelDim
    let nodes = CircuitGraph.allNodes(layers: L, heads: NH, splitQKV: splitQKV)
    let senders = nodes.filter(\.isSender)
    let receivers = CircuitGraph.receivers(layers: L, heads: NH, splitQKV: splitQKV)
    let senderSites = Set([HookSite(.embed), HookSite(.posEmbed)] + (0..<L).flatMap { [HookSite.block($0, .result), .block($0, .mlpOut)] })
    let receiverSites = Set(receivers.map { inputSite(of: $0, layers: L) })
    let model = subject.model
    let totalPasses = batch.blocks.count * passes(method, steps: steps)
    // sums[r][s]: Σ over blocks of the block's scores weighted by its share of the prompts.
    var sums = [[Double]](repeating: [Double](repeating: 0, count: senders.count), count: receivers.count)

    for block in batch.blocks {
      let metric = try choice.metric(for: block) { try model.forward(block.cleanBatch) }
      let selection: LogitPositions = metric.readsEveryPosition ? .all : .last
      let objective = try metric.objective()
      let N = block.count * block.length
      let (_, corrupted) = try model.runWithCache(block.corruptedBatch, sites: senderSites, logits: selection)
      var clean = ActivationCache()
      var gradient: [HookSite: Tensor] = [:]
      func backward(_ extra: [Hook]) throws {
        if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: totalPasses) }
        let result = try model.withHooks(extra) {
          try model.gradients(block.cleanBatch, logits: selection, sites: receiverSites, objective: objective)
        }
        if !result.value.isFinite { throw AnalysisError.nonFinite("the metric's value on a clean run of \(block.count) prompts") }
        for site in receiverSites {
          let g = result.activationGradients[site]!
          if let sum = gradient[site] { gradient[site] = Tensor(shape: g.shape, values: zip(sum.values, g.values).map { $0 + $1 }) } else { gradient[site] = g }
        }
        progress.advance()
      }
      switch method {
      case .eap:
        let box = SiteRecorder()
        try backward(senderSites.map { site in Hook.reading(site) { t, site in box.store(site, t) } })
        clean = box.cache
      case .eapIG:
        clean = try model.runWithCache(block.cleanBatch, sites: senderSites, logits: selection).cache
        let cleanEmbed = clean[HookSite(.embed)]!.values, corruptEmbed = corrupted[HookSite(.embed)]!.values
        for k in 1...steps {
          let alpha = Float(k) / Float(steps)
          let interpolated = zip(corruptEmbed, cleanEmbed).map { $0 + alpha * ($1 - $0) }
          try backward([Hook(HookSite(.embed)) { t, _ in t.values = interpolated }])
        }
        for (site, g) in gradient { gradient[site] = Tensor(shape: g.shape, values: g.values.map { $0 / Float(steps) }) }
      }
      // D [S, N·C]: each sender's out(corrupted) − out(clean), rows in forward order.
      var D = [Float](repeating: 0, count: senders.count * N * C)
      for (i, s) in senders.enumerated() {
        let a = output(of: s, corrupted, N: N, C: C, NH: NH), b = output(of: s, clean, N: N, C: C, NH: NH)
        for j in 0..<(N * C) { D[i * N * C + j] = a[j] - b[j] }
      }
      // Receivers that read the same senders share one product D[:P] · Gᵀ.
      let weight = Double(block.count) / Double(batch.count)
      for (prefix, members) in Dictionary(grouping: receivers.indices, by: { r in senders.prefix { $0.writes(before: receivers[r]) }.count }) {
        var G = [Float](repeating: 0, count: members.count * N * C)  // [R, N·C]
        for (row, r) in members.enumerated() {
          let g = inputGradient(of: receivers[r], gradient, layers: L, N: N, C: C, NH: NH)
          G.replaceSubrange((row * N * C)..<((row + 1) * N * C), with: g)
        }
        var product = [Float](repeating: 0, count: prefix * members.count)  // [P, R]
        D.withUnsafeBufferPointer { d in
          G.withUnsafeBufferPointer { g in
            product.withUnsafeMutableBufferPointer { p in
              BLAS.matmul(d.baseAddress!, g.baseAddress!, transposeB: true, into: p.baseAddress!, m: prefix, n: members.count, k: N * C)
            }
          }
        }
        for (column, r) in members.enumerated() {
          for s in 0..<prefix { sums[r][s] += weight * Double(product[s * members.count + column]) }
        }
      }
    }
    let edges = receivers.indices.flatMap { r in
      senders.indices.filter { senders[$0].writes(before: receivers[r]) }.map { CircuitEdge(senders[$0], receivers[r], score: sums[r][$0]) }
    }
    return CircuitGraph(layers: L, heads: NH, splitQKV: splitQKV, nodes: nodes, edges: edges, method: method.rawValue)
  }

  /// The hook site whose gradient is a receiver's input gradient.
  static func inputSite(of receiver: CircuitNode, layers L: Int) -> HookSite {
    switch receiver {
    case .head(let l, _): return .block(l, .attnIn)
    case .headInput(let l, _, let input): return .block(l, input == .q ? .qInput : input == .k ? .kInput : .vInput)
    case .mlp(let l): return .block(l, .mlpIn)
    case .logits: return .block(L - 1, .residPost)
    case .embed: preconditionFailure("the embedding receives nothing")
    }
  }

  /// A sender's output [N·C] from a cache of its sites (embed = hook_embed + hook_pos_embed; a
  /// head's slice of hook_result [B,T,NH,C]).
  static func output(of sender: CircuitNode, _ cache: ActivationCache, N: Int, C: Int, NH: Int) -> [Float] {
    switch sender {
    case .embed: return zip(cache[HookSite(.embed)]!.values, cache[HookSite(.posEmbed)]!.values).map { $0 + $1 }
    case .mlp(let l): return cache[.block(l, .mlpOut)]!.values
    case .head(let l, let h): return headSlice(cache[.block(l, .result)]!.values, head: h, N: N, C: C, NH: NH)
    case .headInput, .logits: preconditionFailure("\(sender.name) is not a sender")
    }
  }

  /// ∂M/∂(receiver's input) [N·C].
  static func inputGradient(of receiver: CircuitNode, _ gradient: [HookSite: Tensor], layers L: Int, N: Int, C: Int, NH: Int) -> [Float] {
    let values = gradient[inputSite(of: receiver, layers: L)]!.values
    if let index = receiver.headIndex { return headSlice(values, head: index.head, N: N, C: C, NH: NH) }
    return values
  }

  /// Head h's rows of a [B,T,NH,C] tensor, [N·C].
  static func headSlice(_ values: [Float], head h: Int, N: Int, C: Int, NH: Int) -> [Float] {
    var out = [Float](repeating: 0, count: N * C)
    for n in 0..<N { for c in 0..<C { out[n * C + c] = values[(n * NH + h) * C + c] } }
    return out
  }
}

/// Activations read by hooks during a pass (the clean run's sender outputs inside `gradients`).
final class SiteRecorder: @unchecked Sendable {
  var cache = ActivationCache()
  func store(_ site: HookSite, _ tensor: Tensor) { cache[site] = tensor }
}
