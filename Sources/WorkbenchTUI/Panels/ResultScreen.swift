import CircuitAnalysis

/// A result shown whole as its text table (Enter on a log line), scrollable.
enum ResultScreen {
  static func draw(_ result: AnalysisResult, scroll: Int, in rect: Rect, on grid: inout CellGrid) {
    let inner = PanelFrame.draw("\(result.kind) · ↑↓ scroll · e export · Esc closes", in: rect, focused: true, on: &grid)
    grid.fill(inner)
    let lines = ResultText.render(result).split(separator: "\n", omittingEmptySubsequences: false)
    let first = max(0, min(scroll, lines.count - inner.height))
    for (row, line) in lines.dropFirst(first).prefix(inner.height).enumerated() {
      grid.put(String(line), column: inner.column, row: inner.row + row, limit: inner.width)
    }
  }
}
