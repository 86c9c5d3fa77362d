import Foundation

/// A circuit as Graphviz DOT text: deterministic (nodes in forward order, edges sorted), node IDs
/// as ACDC writes them (`embed`, `<a9.9>`, `<a9.9_q>`, `<m3>`, `<resid_post>`, quoted), one rank
/// per layer, a fixed colour per head class, edge pen width from the edge's score, a legend, and
/// the method and metric in the graph label. Writing it needs no Graphviz library.
public struct CircuitDOT {
  public var graph: CircuitGraph
  /// The class of each head ("name mover", "facilitating", ...); heads without one are plain.
  public var classes: [HeadIndex: String]
  /// The graph's caption: method, metric, faithfulness (one line each).
  public var caption: [String]

  public init(graph: CircuitGraph, classes: [HeadIndex: String] = [:], caption: [String] = []) {
    self.graph = graph
    self.classes = classes
    self.caption = caption
  }

  /// Fill colours of the head classes HeadLab reports, fixed so that a class keeps its colour
  /// across graphs; any other class gets `otherClassColor`.
  public static let classColors: [String: String] = [
    "name mover": "#1f77b4", "negative name mover": "#d62728", "backup name mover": "#aec7e8",
    "s-inhibition": "#2ca02c", "induction": "#9467bd", "duplicate-token": "#8c564b",
    "previous-token": "#e377c2", "successor": "#17becf", "facilitating": "#2ca02c",
    "interfering": "#d62728", "irrelevant": "#c7c7c7", "ambiguous": "#bcbd22",
  ]
  public static let otherClassColor = "#ff7f0e"
  static let plainColor = "#f2f2f2"
  static let endpointColor = "#dddddd"

  /// The DOT text, ending with a newline.
  public var text: String {
    var lines = ["digraph circuit {"]
    let label = ([("\(graph.method) circuit")] + caption).map(Self.escaped).joined(separator: "\\n")
    lines.append("  graph [label=\"\(label)\", labelloc=t, fontname=\"Helvetica\", rankdir=TB, nodesep=0.3, ranksep=0.5];")
    lines.append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, fillcolor=\"\(Self.plainColor)\"];")
    lines.append("  edge [arrowsize=0.6];")
    for rank in ranks {
      let ids = rank.map { Self.quoted($0.name) }.joined(separator: "; ")
      lines.append(rank.count > 1 ? "  { rank=same; \(ids); }" : "  \(ids);")
    }
    for node in graph.nodes { lines.append("  \(Self.quoted(node.name)) [\(attributes(of: node))];") }
    let widthScale = graph.edges.compactMap { $0.score.map(abs) }.max() ?? 0
    for edge in graph.edges { lines.append("  \(Self.quoted(edge.sender.name)) -> \(Self.quoted(edge.receiver.name)) [\(attributes(of: edge, scale: widthScale))];") }
    for edge in graph.internalEdges {
      lines.append("  \(Self.quoted(edge.sender.name)) -> \(Self.quoted(edge.receiver.name)) [style=dashed, color=\"#999999\"];")
    }
    lines += legend
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Nodes grouped by residual position: the embedding, each layer's heads and their inputs, each
  /// MLP, the logits.
  var ranks: [[CircuitNode]] {
    var groups: [[Int]: [CircuitNode]] = [:]
    for node in graph.nodes {
      let key: [Int]
      switch node {
      case .embed: key = [-1]
      case .headInput(let l, _, _): key = [l, 0]
      case .head(let l, _): key = [l, 1]
      case .mlp(let l): key = [l, 2]
      case .logits: key = [Int.max]
      }
      groups[key, default: []].append(node)
    }
    return groups.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { groups[$0]!.sorted() }
  }

  func headClass(_ node: CircuitNode) -> String? {
    guard case .head(let l, let h) = node else { return nil }
    return classes[HeadIndex(l, h)]
  }

  func attributes(of node: CircuitNode) -> String {
    var label = Self.escaped(node.name.trimmingCharacters(in: CharacterSet(charactersIn: "<>")))
    if let score = graph.nodeScores[node] { label += "\\n" + Self.number(score) }
    var parts = ["label=\"\(label)\""]
    switch node {
    case .embed, .logits: parts.append("fillcolor=\"\(Self.endpointColor)\"")
    case .headInput: parts.append("shape=ellipse, fontsize=9")
    default: break
    }
    if let kind = headClass(node) {
      parts.append("fillcolor=\"\(Self.classColors[kind] ?? Self.otherClassColor)\"")
      parts.append("tooltip=\"\(Self.escaped(kind))\"")
    }
    return parts.joined(separator: ", ")
  }

  func attributes(of edge: CircuitEdge, scale: Double) -> String {
    guard let score = edge.score else { return "penwidth=1.00" }
    let width = scale > 0 ? 0.5 + 4.5 * abs(score) / scale : 1
    let color = score < 0 ? "#d62728" : "#1f3b73"
    return "penwidth=\(String(format: "%.2f", width)), color=\"\(color)\", tooltip=\"\(Self.number(score))\""
  }

  /// The legend: one node per head class in the graph, and how to read edges.
  var legend: [String] {
    let present = Set(graph.nodes.compactMap(headClass)).sorted()
    var lines = ["  subgraph cluster_legend {", "    label=\"legend\"; fontsize=10; style=dashed; color=\"#999999\";"]
    for (index, kind) in present.enumerated() {
      let color = Self.classColors[kind] ?? Self.otherClassColor
      lines.append("    \"legend \(index)\" [label=\"\(Self.escaped(kind))\", fillcolor=\"\(color)\"];")
    }
    lines.append("    \"legend edges\" [shape=plaintext, style=\"\", label=\"edge width: |score|\\nblue: positive, red: negative\"];")
    lines.append("  }")
    return lines
  }

  static func quoted(_ id: String) -> String { "\"" + escaped(id) + "\"" }

  /// `text` with DOT's quoted-string escapes (backslash, double quote; newlines as \n).
  static func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n")
  }

  /// A score with four significant digits, the same on every machine.
  static func number(_ value: Double) -> String { String(format: "%.4g", value) }
}
