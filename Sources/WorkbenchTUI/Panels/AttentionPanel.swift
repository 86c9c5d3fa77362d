import Foundation

/// The selected head's attention pattern: destination tokens down, source tokens across, each
/// labelled with its token text. Cells are shade glyphs over heat colours; with `view
/// values=yes` they are the weights as numbers; on colour themes a long prompt packs two
/// destination rows into one text row with half-block characters; and the matrix scrolls to
/// keep the selected cell in view. `view diff=yes` (with interventions active) shows the pattern
/// before and after the interventions side by side.
enum AttentionPanel {
  static let labelWidth = 9
  static let headerRows = 3

  /// How the matrix (or the before and after matrices side by side) is laid out in the panel.
  struct Geometry {
    let inner: Rect
    let count: Int
    /// Matrices side by side (2 in the diff view), each `paneWidth` wide, one column apart.
    let panes: Int
    let paneWidth: Int
    /// Columns per source token.
    let cellWidth: Int
    /// Destination rows per text row (2 with half blocks).
    let rowsPerLine: Int
    let firstDest: Int
    let firstSource: Int
    let visibleDests: Int
    let visibleSources: Int

    init(inner: Rect, count T: Int, values: Bool, halfBlocks: Bool, dest: Int, source: Int, panes: Int = 1) {
      self.inner = inner
      count = T
      self.panes = panes
      paneWidth = max(1, (inner.width - AttentionPanel.labelWidth - (panes - 1)) / panes)
      let lines = max(1, inner.height - AttentionPanel.headerRows - 1)
      cellWidth = values ? 4 : (T * 2 <= paneWidth ? 2 : 1)
      rowsPerLine = (!values && halfBlocks && T > lines) ? 2 : 1
      visibleDests = min(T, lines * rowsPerLine)
      visibleSources = min(T, max(1, paneWidth / cellWidth))
      firstDest = Self.scroll(to: dest, visible: visibleDests, count: T, step: rowsPerLine)
      firstSource = Self.scroll(to: source, visible: visibleSources, count: T, step: 1)
    }

    /// The first visible index that keeps `target` in a window of `visible` of `count`.
    static func scroll(to target: Int, visible: Int, count: Int, step: Int) -> Int {
      guard count > visible else { return 0 }
      var first = max(0, min(target - visible / 2, count - visible))
      first -= first % step
      return first
    }

    func matrixColumn(pane: Int = 0) -> Int { inner.column + AttentionPanel.labelWidth + pane * (paneWidth + 1) }
    var matrixRow: Int { inner.row + AttentionPanel.headerRows }
    func column(ofSource s: Int, pane: Int = 0) -> Int { matrixColumn(pane: pane) + (s - firstSource) * cellWidth }
    func row(ofDest d: Int) -> Int { matrixRow + (d - firstDest) / rowsPerLine }

    /// The (dest, source) cell under a click, in either matrix.
    func cell(atColumn x: Int, row y: Int) -> (dest: Int, source: Int)? {
      guard y >= matrixRow, let pane = (0..<panes).last(where: { x >= matrixColumn(pane: $0) }) else { return nil }
      let s = firstSource + (x - matrixColumn(pane: pane)) / cellWidth
      let d = firstDest + (y - matrixRow) * rowsPerLine
      guard s < min(count, firstSource + visibleSources), d < min(count, firstDest + visibleDests) else { return nil }
      return (d, s)
    }
  }

  static func geometry(_ state: AppState, in rect: Rect) -> Geometry? {
    guard let live = state.engine.live, let dest = state.destinationToken else { return nil }
    return Geometry(inner: rect.inner, count: live.count, values: state.view.values, halfBlocks: !state.monochrome,
                    dest: dest, source: state.view.source ?? dest, panes: showsBeforeAndAfter(state) ? 2 : 1)
  }

  /// The diff view: asked for, and there are interventions to compare against.
  static func showsBeforeAndAfter(_ state: AppState) -> Bool {
    state.view.diff && state.engine.live?.patternsWithoutInterventions != nil
  }

  static func draw(_ state: AppState, in rect: Rect, on grid: inout CellGrid) {
    let v = state.view
    let diff = showsBeforeAndAfter(state)
    let title = "attention \(v.layer).\(v.head)" + (diff ? " · before │ after interventions" : (v.diff ? " · diff: no interventions" : "")) + " · dest ↓ src →"
    let inner = PanelFrame.draw(title, in: rect, focused: v.focus == "attention", on: &grid)
    guard let live = state.engine.live, let g = geometry(state, in: rect), let dest = state.destinationToken else {
      grid.put("no prompt yet: press p", column: inner.column, row: inner.row, role: .dim, limit: inner.width)
      return
    }
    guard v.layer < live.layers, v.head < live.heads, inner.height > headerRows + 1 else { return }
    let labels = live.tokenTexts.map(TokenStrip.label)
    /// The weight in pane `pane`: before the interventions in the diff view's left pane.
    func value(_ d: Int, _ s: Int, pane: Int) -> Double {
      Double(live.attention(layer: v.layer, head: v.head, dest: d, src: s, withoutInterventions: diff && pane == 0))
    }

    for pane in 0..<g.panes {
      // Source labels, written downwards, three characters each.
      for s in g.firstSource..<(g.firstSource + g.visibleSources) {
        let chars = Array(labels[s])
        let role: StyleRole = s == v.source ? .selected : .dim
        for r in 0..<headerRows where r < chars.count {
          grid[g.column(ofSource: s, pane: pane), inner.row + r] = Cell(chars[r], role)
        }
      }
      if pane > 0 {
        for y in inner.row..<(inner.row + inner.height - 1) { grid[g.matrixColumn(pane: pane) - 1, y] = Cell("│", .border) }
      }
    }
    for line in 0..<((g.visibleDests + g.rowsPerLine - 1) / g.rowsPerLine) {
      let d = g.firstDest + line * g.rowsPerLine
      let y = g.row(ofDest: d)
      let label = g.rowsPerLine == 2 && d + 1 < live.count ? "\(d),\(d + 1)" : "\(d) \(labels[d])"
      let marked = d == dest || (g.rowsPerLine == 2 && d + 1 == dest)
      grid.put(label, column: inner.column, row: y, role: marked ? .selected : .dim, limit: labelWidth - 1)
      for pane in 0..<g.panes {
        for s in g.firstSource..<(g.firstSource + g.visibleSources) {
          drawCell(d: d, s: s, x: g.column(ofSource: s, pane: pane), y: y, selected: s == (v.source ?? -1) && marked,
                   g: g, count: live.count, values: v.values, value: { value($0, $1, pane: pane) }, on: &grid)
        }
      }
    }
    let footerY = inner.row + inner.height - 1
    let s = v.source ?? {
      let row = (0...dest).map { value(dest, $0, pane: g.panes - 1) }
      return row.indices.max { row[$0] < row[$1] } ?? 0
    }()
    let weights = (0..<g.panes).map { String(format: "%.3f", value(dest, s, pane: $0)) }.joined(separator: " → ")
    let text = v.source == nil
      ? "\(dest) \(labels[dest]) attends most to \(s) \(labels[s]) (\(weights))"
      : "\(dest) \(labels[dest]) ← \(s) \(labels[s]) = \(weights)"
    grid.put(text, column: inner.column, row: footerY, role: .title, limit: inner.width)
  }

  /// One matrix cell (or a half-block pair of cells) at (x, y).
  static func drawCell(
    d: Int, s: Int, x: Int, y: Int, selected: Bool, g: Geometry, count: Int, values: Bool,
    value: (Int, Int) -> Double, on grid: inout CellGrid
  ) {
    if g.rowsPerLine == 2 {
      let upper = s <= d ? value(d, s) : 0
      let lower = d + 1 < count && s <= d + 1 ? value(d + 1, s) : 0
      for dx in 0..<g.cellWidth {
        grid[x + dx, y] = Cell("▀", selected ? .selected : HeatGlyph.role(upper, scale: 1), lower: HeatGlyph.role(lower, scale: 1))
      }
    } else if s > d {
      grid.put(g.cellWidth == 4 ? "   ·" : " ", column: x, row: y, role: .missing, limit: g.cellWidth)
    } else {
      let a = value(d, s)
      let text = values ? HeadGridPanel.cellNumber(a, width: 4).replacingOccurrences(of: "+", with: " ")
                        : String(repeating: HeatGlyph.glyph(a, scale: 1), count: g.cellWidth)
      grid.put(text, column: x, row: y, role: selected ? .selected : HeatGlyph.role(a, scale: 1), limit: g.cellWidth)
    }
  }
}
