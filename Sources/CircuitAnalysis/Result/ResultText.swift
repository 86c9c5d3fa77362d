import Foundation

/// A result as a readable plain-text table: a header with the kind and metric, then the values
/// (a scalar on one line, one axis as label/value lines, two axes as a table with the first axis
/// down, more axes as one table per index of the leading axes). Missing cells print as `·`.
public enum ResultText {
  public static func render(_ result: AnalysisResult) -> String {
    var lines = [header(result)]
    let shape = result.shape
    switch shape.count {
    case 0:
      lines.append("value  \(cell(result.values.cells[0]))")
    case 1:
      let width = result.axes[0].labels.map(\.count).max() ?? 0
      for (i, label) in result.axes[0].labels.enumerated() {
        lines.append("\(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(cell(result.values.cells[i]))")
      }
    default:
      let lead = Array(shape.dropLast(2)), rows = shape[shape.count - 2], cols = shape[shape.count - 1]
      let blocks = lead.reduce(1, *)
      for block in 0..<blocks {
        if !lead.isEmpty {
          let index = ResultGrid.index(ofCell: block, shape: lead)
          lines.append("")
          lines.append(zip(result.axes, index).map { "\($0.name)=\($0.labels[$1])" }.joined(separator: " "))
        }
        let rowAxis = result.axes[shape.count - 2], colAxis = result.axes[shape.count - 1]
        let cells = (0..<rows).map { r in (0..<cols).map { c in cell(result.values.cells[(block * rows + r) * cols + c]) } }
        lines += table(corner: "\(rowAxis.name)\\\(colAxis.name)", rowLabels: rowAxis.labels, columnLabels: colAxis.labels, cells: cells)
      }
    }
    if let graph = result.graph.flatMap({ try? CircuitGraph(json: $0) }) { lines += circuitLines(graph, result) }
    if !result.complete { lines.append("(incomplete: cancelled; · marks cells not computed)") }
    return lines.joined(separator: "\n")
  }

  /// A traced circuit: its faithfulness with the three metrics, and its edges by |score|.
  static func circuitLines(_ graph: CircuitGraph, _ result: AnalysisResult) -> [String] {
    var lines: [String] = []
    if let f = result.params["faithfulness"], let circuit = f["metric_circuit"]?.doubleValue,
       let full = f["metric_full"]?.doubleValue, let empty = f["metric_empty"]?.doubleValue {
      lines.append(String(format: "faithfulness = (M(circuit) - M(empty)) / (M(full) - M(empty)) = (%.4g - %.4g) / (%.4g - %.4g)", circuit, empty, full, empty))
    }
    lines += CircuitText.overview(graph, classes: result.headClasses)
    let ranked = graph.edges.sorted { abs($0.score ?? 0) > abs($1.score ?? 0) }
    let width = ranked.map(\.sender.name.count).max() ?? 0
    for edge in ranked {
      lines.append("  \(edge.sender.name.padding(toLength: width, withPad: " ", startingAt: 0)) -> \(edge.receiver.name)  \(edge.score.map { String(format: "%+.4g", $0) } ?? "·")")
    }
    return lines
  }

  static func header(_ r: AnalysisResult) -> String {
    var parts = [r.kind]
    if let m = r.metric {
      var metric = m.name
      if let a = m.answer { metric += " answer \(a.debugDescription)" }
      if let w = m.wrong { metric += " wrong \(w.debugDescription)" }
      if let c = m.clean { metric += " clean \(number(c))" }
      if let k = m.corrupted { metric += " corrupted \(number(k))" }
      if m.normalised { metric += " (normalised)" }
      parts.append(metric)
    }
    if let count = r.count { parts.append("\(count) prompts") }
    parts.append("\(r.elapsedMs) ms")
    return parts.joined(separator: "  |  ")
  }

  static func cell(_ c: ResultCell) -> String {
    switch c {
    case .number(let v): return number(v)
    case .token(let t): return t.debugDescription
    case .missing: return "·"
    }
  }

  static func number(_ v: Double) -> String { String(format: "%.4g", v) }

  static func table(corner: String, rowLabels: [String], columnLabels: [String], cells: [[String]]) -> [String] {
    let first = max(corner.count, rowLabels.map(\.count).max() ?? 0)
    let widths = columnLabels.indices.map { c in max(columnLabels[c].count, cells.map { $0[c].count }.max() ?? 0) }
    func line(_ head: String, _ items: [String]) -> String {
      ([head.padding(toLength: first, withPad: " ", startingAt: 0)] + zip(items, widths).map { item, w in
        String(repeating: " ", count: max(0, w - item.count)) + item
      }).joined(separator: "  ")
    }
    return [line(corner, columnLabels)] + zip(rowLabels, cells).map { line($0, $1) }
  }
}
