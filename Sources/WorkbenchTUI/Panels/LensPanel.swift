/// The logit lens at the last token: the answer's rank after each layer (0 is the top).
enum LensPanel {
  static func draw(_ state: AppState, in rect: Rect, on grid: inout CellGrid) {
    let answer = state.engine.answer.map { TokenStrip.label($0.answer) } ?? "answer"
    let inner = PanelFrame.draw("lens: rank of \(answer)", in: rect, focused: false, on: &grid)
    guard let live = state.engine.live else { return }
    guard let ranks = live.answerRanks else {
      grid.put(":answer TOKEN WRONG", column: inner.column, row: inner.row, role: .dim, limit: inner.width)
      return
    }
    // Two columns when the layers do not fit in one.
    let perColumn = max(1, inner.height)
    let columnWidth = ranks.count > perColumn ? inner.width / 2 : inner.width
    for (i, rank) in ranks.enumerated() {
      let name = i == ranks.count - 1 ? "out" : "L\(i)"
      let x = inner.column + (i / perColumn) * columnWidth
      let y = inner.row + i % perColumn
      guard i / perColumn < 2 else { break }
      let role: StyleRole = rank == 0 ? .title : (rank < 10 ? .text : .dim)
      grid.put("\(name.padding(toLength: 4, withPad: " ", startingAt: 0))\(rank)", column: x, row: y, role: role, limit: columnWidth)
    }
  }
}
