/// What a circuit ablates: for every receiver with at least one edge outside the circuit, the
/// senders whose output it reads as their mean over the reference distribution instead (ACDC's
/// edge ablation; Conmy et al., NeurIPS 2023; Wang et al. 2022; papers.md sections 3 and 6).
///
/// A receiver's input is resid − Σ over its ablated senders s of (out_s − mean(out_s)). Where
/// it keeps fewer senders than it ablates, the sum is taken the other way round, as the running
/// total of every earlier sender's (out_s − mean) minus the kept ones, so a small circuit in a
/// large model stores only its own senders' outputs.
struct EdgeAblationPlan {
  enum Ablated: Equatable {
    /// Subtract these senders' deviations from their means.
    case senders([CircuitNode])
    /// Subtract the running total of every earlier sender's deviation, except these senders'.
    case allBut([CircuitNode])
  }

  /// The receivers with an ablated edge and what they subtract.
  let receivers: [CircuitNode: Ablated]
  /// The senders whose deviation must be kept by name.
  let storedSenders: Set<CircuitNode>
  /// Whether some receiver reads the running total (then every sender adds to it).
  let needsRunningTotal: Bool

  /// The plan of `graph` (whose edges must be edges of its model's full graph).
  init(graph: CircuitGraph) throws {
    let all = CircuitGraph.allEdges(layers: graph.layers, heads: graph.heads, splitQKV: graph.splitQKV)
    let allKeys = Set(all.map(\.key))
    let kept = Set(graph.edges.map(\.key))
    if let stranger = kept.subtracting(allKeys).sorted().first {
      throw AnalysisError.invalidArgument("circuit edge \(stranger.sender.name) -> \(stranger.receiver.name) is not an edge of a \(graph.layers)-layer, \(graph.heads)-head graph\(graph.splitQKV ? " with split q/k/v" : "")")
    }
    var receivers: [CircuitNode: Ablated] = [:]
    var stored = Set<CircuitNode>()
    var total = false
    for (receiver, edges) in Dictionary(grouping: all, by: \.receiver) {
      let senders = edges.map(\.sender).sorted()
      let keptSenders = senders.filter { kept.contains(EdgeKey(sender: $0, receiver: receiver)) }
      let ablated = senders.filter { !kept.contains(EdgeKey(sender: $0, receiver: receiver)) }
      if ablated.isEmpty { continue }
      if ablated.count <= keptSenders.count {
        receivers[receiver] = .senders(ablated)
        stored.formUnion(ablated)
      } else {
        receivers[receiver] = .allBut(keptSenders)
        stored.formUnion(keptSenders)
        total = true
      }
    }
    self.receivers = receivers
    storedSenders = stored
    needsRunningTotal = total
  }

  /// Whether the plan changes nothing (the full graph): the run is then the clean run itself.
  var isEmpty: Bool { receivers.isEmpty }

  /// Whether `sender`'s output must be read during the run.
  func reads(_ sender: CircuitNode) -> Bool { needsRunningTotal || storedSenders.contains(sender) }
}
