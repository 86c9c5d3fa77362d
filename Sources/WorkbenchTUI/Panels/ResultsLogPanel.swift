/// The results log: each command run, its result summary or message, errors marked; the newest
/// at the bottom. When focused, up/down pick a line and Enter opens its result.
enum ResultsLogPanel {
  static func draw(_ state: AppState, in rect: Rect, on grid: inout CellGrid) {
    let focused = state.view.focus == "log"
    let inner = PanelFrame.draw("results log" + (focused ? " · Enter opens" : ""), in: rect, focused: focused, on: &grid)
    guard inner.height > 0 else { return }
    let selected = state.logSelection ?? (state.log.count - 1)
    let last = focused ? max(min(state.log.count, selected + 1), min(state.log.count, inner.height)) : state.log.count
    let first = max(0, last - inner.height)
    for (row, index) in (first..<last).enumerated() {
      let line = state.log[index]
      let role: StyleRole = focused && index == selected ? .selected : line.role
      grid.put(line.text, column: inner.column, row: inner.row + row, role: role, limit: inner.width)
    }
  }
}
