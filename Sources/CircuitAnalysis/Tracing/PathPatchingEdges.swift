import Foundation

/// Edge scores by path patching (Wang et al. 2023, "Interpretability in the Wild", section 3.1;
/// papers.md section 3), for `CircuitTrace`'s `path` method: the model's graph with every edge
/// from a head to a later head (or, split, to one of its q/k/v inputs) and from a head to the
/// logits scored by the mean change of the metric when only that receiver sees the sender's
/// corrupted output, every other head frozen at its clean value and MLPs recomputing
/// (`PathPatchingPass`): M(patched) - M(clean), the noising change EAP estimates to first order.
///
/// Wang et al. patch heads only. Edges whose sender is the embedding or an MLP, and edges into an
/// MLP, are not path-patched: they have no score, and `CircuitTrace` keeps them in every circuit,
/// as the paper keeps the MLPs and embeddings while it knocks out heads.
enum PathPatchingEdges {
  /// The senders run per block: one per (receiver, sender head that reaches it).
  static func passes(layers: Int, heads: Int, splitQKV: Bool) -> Int {
    receivers(layers: layers, heads: heads, splitQKV: splitQKV).reduce(0) { $0 + $1.senders.count }
  }

  /// The full graph with the path-patched edges scored. Advances `progress` once per sender per
  /// receiver per block; throws `AnalysisError.cancelled` when cancelled.
  static func scores(
    subject: AnalysisSubject, batch: PromptPairBatch, splitQKV: Bool, metric: MetricChoice, progress: AnalysisProgress
  ) throws -> CircuitGraph {
    guard !metric.kind.readsEveryPositionKind else {
      throw AnalysisError.invalidArgument("path patching reads the metric at the answer position; \(metric.kind.rawValue) reads every position")
    }
    let L = subject.layers, NH = subject.heads
    let targets = receivers(layers: L, heads: NH, splitQKV: splitQKV)
    let total = batch.blocks.count * passes(layers: L, heads: NH, splitQKV: splitQKV)
    // sums[edge]: Σ over prompts of M(patched) - M(clean).
    var sums: [EdgeKey: Double] = [:]
    for block in batch.blocks {
      // The clean and corrupted caches once per block, for every receiver.
      var pass = try PathPatchingPass(subject: subject, pair: block, receivers: .logits, choice: metric)
      for target in targets {
        pass.receivers = target.receivers
        let rows = try pass.run(senders: target.senders, progress: progress)  // [S][B]
        for (sender, values) in zip(target.senders, rows) {
          guard let values else { throw AnalysisError.cancelled(completed: progress.completed, total: total) }
          let key = EdgeKey(sender: .head(layer: sender.layer, head: sender.head), receiver: target.node)
          sums[key, default: 0] += zip(values, pass.cleanMetric).reduce(0) { $0 + $1.0 - $1.1 }
        }
      }
    }
    let edges = CircuitGraph.allEdges(layers: L, heads: NH, splitQKV: splitQKV).map { edge in
      var scored = edge
      scored.score = sums[edge.key].map { $0 / Double(batch.count) }
      return scored
    }
    return CircuitGraph(layers: L, heads: NH, splitQKV: splitQKV, nodes: CircuitGraph.allNodes(layers: L, heads: NH, splitQKV: splitQKV),
                        edges: edges, method: "path")
  }

  /// One path-patching receiver node: the logits, a head (all three inputs at once) or one head
  /// input, with the heads that reach it.
  struct Target {
    let node: CircuitNode
    let receivers: PathReceivers
    let senders: [HeadIndex]
  }

  static func receivers(layers: Int, heads: Int, splitQKV: Bool) -> [Target] {
    let all = (0..<layers).flatMap { l in (0..<heads).map { HeadIndex(l, $0) } }
    var out = [Target(node: .logits, receivers: .logits, senders: all)]
    for head in all where head.layer > 0 {
      let earlier = all.filter { $0.layer < head.layer }
      if splitQKV {
        for input in CircuitNode.HeadInput.allCases {
          out.append(Target(node: .headInput(layer: head.layer, head: head.head, input: input),
                            receivers: .heads([PathReceiver(head: head, input: input)]), senders: earlier))
        }
      } else {
        out.append(Target(node: .head(layer: head.layer, head: head.head),
                          receivers: .heads(CircuitNode.HeadInput.allCases.map { PathReceiver(head: head, input: $0) }), senders: earlier))
      }
    }
    return out
  }
}
