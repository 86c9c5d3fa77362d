import Foundation

/// A circuit as plain text, for the workbench's graph view, `--batch` output and `.txt` export:
/// the kept nodes layer by layer (top = logits), and for one node its evidence: class, score, and
/// its incoming and outgoing edges by decreasing |score|.
public enum CircuitText {
  /// One line per residual position from the logits down to the embedding, e.g.
  /// `layer 3   a3.0 [name mover]  a3.2  m3`.
  public static func layers(_ graph: CircuitGraph, classes: [HeadIndex: String] = [:]) -> [(label: String, nodes: [CircuitNode])] {
    var rows: [(String, [CircuitNode])] = [("logits", graph.nodes.filter { $0 == .logits })]
    for l in stride(from: graph.layers - 1, through: 0, by: -1) {
      let nodes = graph.nodes.filter { $0.layer == l }
      if !nodes.isEmpty { rows.append(("layer \(l)", nodes)) }
    }
    rows.append(("embed", graph.nodes.filter { $0 == .embed }))
    return rows.filter { !$0.1.isEmpty }
  }

  /// A node's short label: its name without brackets, and its class when it has one.
  public static func label(_ node: CircuitNode, classes: [HeadIndex: String]) -> String {
    let name = node.name.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
    if case .head(let l, let h) = node, let kind = classes[HeadIndex(l, h)] { return "\(name) [\(kind)]" }
    return name
  }

  /// The evidence lines of `node`.
  public static func evidence(of node: CircuitNode, in graph: CircuitGraph, classes: [HeadIndex: String] = [:]) -> [String] {
    var lines = [label(node, classes: classes)]
    if let score = graph.nodeScores[node] { lines.append("node score \(number(score)) (\(graph.method))") }
    func short(_ node: CircuitNode) -> String { node.name.trimmingCharacters(in: CharacterSet(charactersIn: "<>")) }
    func list(_ title: String, _ edges: [CircuitEdge], describe: (CircuitEdge) -> String) {
      guard !edges.isEmpty else { return }
      lines.append("\(title) (\(edges.count)):")
      for edge in edges.sorted(by: { (abs($0.score ?? 0), $1) > (abs($1.score ?? 0), $0) }) {
        lines.append("  \(describe(edge))  \(edge.score.map(number) ?? "·")")
      }
    }
    var incoming = graph.edges.filter { $0.receiver == node }
    if case .head(let l, let h) = node, graph.splitQKV {
      incoming = graph.edges.filter { $0.receiver.headIndex.map { $0 == (l, h) } ?? false }
    }
    list("reads from", incoming) { edge in
      if case .headInput(_, _, let input) = edge.receiver, case .head = node { return "\(short(edge.sender)) → \(input.rawValue)" }
      return short(edge.sender)
    }
    list("writes to", graph.edges.filter { $0.sender == node }) { short($0.receiver) }
    if lines.count == 1 { lines.append("no kept edges") }
    return lines
  }

  /// A summary line and the kept nodes layer by layer.
  public static func overview(_ graph: CircuitGraph, classes: [HeadIndex: String] = [:]) -> [String] {
    let total = CircuitGraph.allEdges(layers: graph.layers, heads: graph.heads, splitQKV: graph.splitQKV).count
    var lines = ["circuit (\(graph.method)\(graph.splitQKV ? ", q/k/v split" : "")): \(graph.edges.count) of \(total) edges, \(graph.keptHeads.count) of \(graph.layers * graph.heads) heads"]
    for (label, nodes) in layers(graph, classes: classes) {
      lines.append(label.padding(toLength: 9, withPad: " ", startingAt: 0) + nodes.map { Self.label($0, classes: classes) }.joined(separator: "  "))
    }
    return lines
  }

  static func number(_ v: Double) -> String { String(format: "%+.4g", v) }
}
