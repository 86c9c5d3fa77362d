import Foundation

/// The most likely next tokens after the selected destination token, under the interventions.
enum TopKPanel {
  static func draw(_ state: AppState, in rect: Rect, on grid: inout CellGrid) {
    let dest = state.destinationToken
    let inner = PanelFrame.draw("next token" + (dest.map { " after \($0)" } ?? ""), in: rect, focused: state.view.focus == "topk", on: &grid)
    guard let live = state.engine.live, let dest else { return }
    let answer = state.engine.answer?.answer
    for (i, candidate) in live.topK[dest].prefix(inner.height).enumerated() {
      let percent = String(format: "%5.1f%%", candidate.probability * 100)
      let role: StyleRole = candidate.token == answer ? .title : .text
      let x = grid.put(percent + " ", column: inner.column, row: inner.row + i, role: .dim, limit: inner.width)
      grid.put(TokenStrip.label(candidate.token), column: x, row: inner.row + i, role: role, limit: inner.column + inner.width - x)
    }
  }
}
