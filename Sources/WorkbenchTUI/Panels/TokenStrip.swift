/// The prompt's tokens in one line, the selected destination token marked; scrolls so the
/// selection stays visible. Each token shows as its text with spaces as `·`.
enum TokenStrip {
  /// The column ranges of the tokens drawn, for mouse clicks: (token, first column, width).
  static func spans(_ state: AppState, in rect: Rect) -> [(token: Int, column: Int, width: Int)] {
    guard let live = state.engine.live else { return [] }
    let labels = live.tokenTexts.map(label)
    let selected = state.destinationToken ?? 0
    // Scroll so the selected token ends inside the strip.
    var first = 0
    var widthUpTo = labels[0...selected].reduce(0) { $0 + $1.count + 1 }
    while widthUpTo > rect.width - 2, first < selected {
      widthUpTo -= labels[first].count + 1
      first += 1
    }
    var out: [(Int, Int, Int)] = []
    var x = rect.column + 1
    for t in first..<labels.count {
      if x >= rect.column + rect.width { break }
      out.append((t, x, labels[t].count))
      x += labels[t].count + 1
    }
    return out
  }

  static func draw(_ state: AppState, in rect: Rect, on grid: inout CellGrid) {
    grid.fill(rect)
    guard let live = state.engine.live else {
      grid.put(" no prompt: press p to type one, or :prompt TEXT", column: rect.column, row: rect.row, role: .dim, limit: rect.width)
      return
    }
    let focused = state.view.focus == "tokens"
    grid.put(focused ? "▸" : " ", column: rect.column, row: rect.row, role: focused ? .focusedBorder : .dim)
    for span in spans(state, in: rect) {
      let role: StyleRole = span.token == state.destinationToken ? .selected : (span.token == state.view.source ? .title : .text)
      grid.put(label(live.tokenTexts[span.token]), column: span.column, row: rect.row, role: role, limit: rect.column + rect.width - span.column)
    }
  }

  /// A token as shown: spaces as `·`, newlines as `⏎`, empty as `∅`.
  static func label(_ text: String) -> String {
    if text.isEmpty { return "∅" }
    return String(text.map { $0 == " " ? "·" : ($0.isNewline ? "⏎" : $0) })
  }
}
