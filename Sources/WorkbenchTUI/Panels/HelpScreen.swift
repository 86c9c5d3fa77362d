import WorkbenchCore

/// The `?` screen: the key table and the command catalog, generated, scrollable.
enum HelpScreen {
  static var lines: [(String, StyleRole)] {
    var out: [(String, StyleRole)] = [("HeadLab workbench: keys", .title), ("", .text)]
    for b in KeyMap.bindings {
      out.append(("  \(b.label.padding(toLength: 8, withPad: " ", startingAt: 0)) \(b.summary)", .text))
    }
    out += [("", .text), ("Mouse: click a head in the grid, a token in the strip, or a cell of the attention matrix.", .dim), ("", .text),
            ("Commands (type : then a command; help NAME shows its usage)", .title), ("", .text)]
    out += CommandCatalog.helpText.split(separator: "\n", omittingEmptySubsequences: false).map { (String($0), StyleRole.text) }
    return out
  }

  static func draw(scroll: Int, in rect: Rect, on grid: inout CellGrid) {
    let inner = PanelFrame.draw("help · ↑↓ scroll · Esc or q closes", in: rect, focused: true, on: &grid)
    grid.fill(inner)
    let all = lines
    let first = max(0, min(scroll, all.count - inner.height))
    for (row, line) in all.dropFirst(first).prefix(inner.height).enumerated() {
      grid.put(line.0, column: inner.column, row: inner.row + row, role: line.1, limit: inner.width)
    }
  }
}
