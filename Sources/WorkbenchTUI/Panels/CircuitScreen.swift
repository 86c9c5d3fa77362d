import CircuitAnalysis
import Foundation

/// A traced circuit shown as a text graph (Enter on a circuit's log line): the kept nodes layer by
/// layer on the left, logits at the top, with one node selected (↑↓), and the selected node's
/// evidence beside it: its class, score and its edges by decreasing |score|.
enum CircuitScreen {
  static func draw(_ result: AnalysisResult, graph: CircuitGraph, selection: Int, in rect: Rect, on grid: inout CellGrid) {
    let inner = PanelFrame.draw("\(result.kind) · ↑↓ node · e export (.dot .svg .json) · Esc closes", in: rect, focused: true, on: &grid)
    grid.fill(inner)
    guard inner.height > 2, inner.width > 20 else { return }
    let classes = result.headClasses
    let order = selectable(graph)
    let selected = order.isEmpty ? nil : order[min(max(0, selection), order.count - 1)]

    var header = CircuitText.overview(graph, classes: classes)[0]
    if result.axes.isEmpty, let value = result.values.numbers.first ?? nil { header += " · faithfulness \(String(format: "%.3f", value))" }
    grid.put(header, column: inner.column, row: inner.row, role: .title, limit: inner.width)

    let leftWidth = max(20, inner.width * 3 / 5)
    var row = inner.row + 2
    for (label, nodes) in CircuitText.layers(graph, classes: classes) where row < inner.row + inner.height {
      grid.put(label, column: inner.column, row: row, role: .dim, limit: 9)
      var column = inner.column + 9
      for node in nodes where node.isSelectable {
        let text = CircuitText.label(node, classes: classes)
        guard column + text.count < inner.column + leftWidth else {
          grid.put("…", column: column, row: row, role: .dim)
          break
        }
        column = grid.put(text, column: column, row: row, role: node == selected ? .selected : .text) + 2
      }
      row += 1
    }
    guard let selected else { return }
    let evidence = CircuitText.evidence(of: selected, in: graph, classes: classes)
    let right = inner.column + leftWidth + 1
    for (i, line) in evidence.prefix(inner.height - 2).enumerated() {
      grid.put(line, column: right, row: inner.row + 2 + i, role: i == 0 ? .title : .text, limit: inner.column + inner.width - right)
    }
  }

  /// The nodes ↑↓ moves through, as drawn: from the logits down, left to right; q/k/v inputs
  /// are shown in their head's evidence rather than as nodes of their own.
  static func selectable(_ graph: CircuitGraph) -> [CircuitNode] {
    CircuitText.layers(graph).flatMap(\.nodes).filter(\.isSelectable)
  }
}

extension CircuitNode {
  fileprivate var isSelectable: Bool {
    if case .headInput = self { return false }
    return true
  }
}
