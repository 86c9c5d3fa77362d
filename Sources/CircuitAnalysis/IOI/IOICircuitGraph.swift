/// The IOI report's circuit as a graph (Wang et al. 2023, Figure 2), for the graph view and DOT:
/// the classified heads, with q/k/v inputs split, and an edge wherever a class writes in the
/// paper's circuit: the name movers (negative, backup) to the logits, S-inhibition heads to the
/// name movers' queries, induction and duplicate-token heads to the S-inhibition heads' values,
/// previous-token heads to the induction heads' keys. An edge exists only from an earlier layer
/// and is scored with its sender's path-patching evidence to that whole class (relative change
/// of the logit difference; `IOIEvidence`), the same score on each receiver of the class.
enum IOICircuitGraph {
  static func make(classes: [(IOIHeadClass, [HeadIndex])], evidence: IOIEvidence, layers: Int, heads: Int) -> CircuitGraph {
    let members = Dictionary(classes, uniquingKeysWith: +)
    var edges: [CircuitEdge] = []
    for (cls, senders) in classes {
      let target = cls.target
      for sender in senders {
        let score = evidence.row(sender)[target.score].flatMap { $0.isFinite ? $0 : nil }
        let from = CircuitNode.head(layer: sender.layer, head: sender.head)
        guard let input = target.input else {
          edges.append(CircuitEdge(from, .logits, score: score))
          continue
        }
        for receiver in target.classes.flatMap({ members[$0] ?? [] }) where receiver.layer > sender.layer {
          edges.append(CircuitEdge(from, .headInput(layer: receiver.layer, head: receiver.head, input: input), score: score))
        }
      }
    }
    // Every classified head is a node, with or without an edge (a class upstream of an empty one).
    let nodes = classes.flatMap(\.1).map { CircuitNode.head(layer: $0.layer, head: $0.head) } + edges.flatMap { [$0.sender, $0.receiver] }
    return CircuitGraph(layers: layers, heads: heads, splitQKV: true, nodes: nodes + [.logits], edges: edges, method: "ioi")
  }
}
