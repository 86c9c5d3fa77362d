import Foundation

/// The selected head's attention pattern: destination tokens down, source tokens across, each
/// labelled with its token text. Cells are shade glyphs over heat colours; with `view
/// values=yes` they are the weights as numbers; on colour themes a long prompt packs two
/// destination rows into one text row with half-block characters; and the matrix scrolls to
/// keep the selected cell in view. `view diff=yes` shows after minus before the interventions.
enum AttentionPanel {
  static let labelWidth = 9
  static let headerRows = 3

  /// How the matrix is laid out in the panel.
  struct Geometry {
    let inner: Rect
    let count: Int
    /// Columns per source token.
    let cellWidth: Int
    /// Destination rows per text row (2 with half blocks).
    let rowsPerLine: Int
    let firstDest: Int
    let firstSource: Int
    let visibleDests: Int
    let visibleSources: Int

    init(inner: Rect, count T: Int, values: Bool, halfBlocks: Bool, dest: Int, source: Int) {
      self.inner = inner
      count = T
      let width = max(1, inner.width - AttentionPanel.labelWidth)
      let lines = max(1, inner.height - AttentionPanel.headerRows - 1)
      cellWidth = values ? 4 : (T * 2 <= width ? 2 : 1)
      rowsPerLine = (!values && halfBlocks && T > lines) ? 2 : 1
      visibleDests = min(T, lines * rowsPerLine)
      visibleSources = min(T, max(1, width / cellWidth))
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

    var matrixColumn: Int { inner.column + AttentionPanel.labelWidth }
    var matrixRow: Int { inner.row + AttentionPanel.headerRows }
    func column(ofSource s: Int) -> Int { matrixColumn + (s - firstSource) * cellWidth }
    func row(ofDest d: Int) -> Int { matrixRow + (d - firstDest) / rowsPerLine }

    /// The (dest, source) cell under a click.
    func cell(atColumn x: Int, row y: Int) -> (dest: Int, source: Int)? {
      guard x >= matrixColumn, y >= matrixRow else { return nil }
      let s = firstSource + (x - matrixColumn) / cellWidth
      let d = firstDest + (y - matrixRow) * rowsPerLine
      guard s < min(count, firstSource + visibleSources), d < min(count, firstDest + visibleDests) else { return nil }
      return (d, s)
    }
  }

  static func geometry(_ state: AppState, in rect: Rect) -> Geometry? {
    guard let live = state.engine.live, let dest = state.destinationToken else { return nil }
    return Geometry(inner: rect.inner, count: live.count, values: state.view.values, halfBlocks: !state.monochrome,
                    dest: dest, source: state.view.source ?? dest)
  }

  static func draw(_ state: AppState, in rect: Rect, on grid: inout CellGrid) {
    let v = state.view
    let diff = v.diff && state.engine.live?.patternsWithoutInterventions != nil
    let title = "attention \(v.layer).\(v.head)" + (diff ? " · after − before interventions" : (v.diff ? " · diff (no interventions)" : "")) + " · dest ↓ src →"
    let inner = PanelFrame.draw(title, in: rect, focused: v.focus == "attention", on: &grid)
    guard let live = state.engine.live, let g = geometry(state, in: rect), let dest = state.destinationToken else {
      grid.put("no prompt yet: press p", column: inner.column, row: inner.row, role: .dim, limit: inner.width)
      return
    }
    guard v.layer < live.layers, v.head < live.heads, inner.height > headerRows + 1 else { return }
    let labels = live.tokenTexts.map(TokenStrip.label)
    func value(_ d: Int, _ s: Int) -> Double {
      let after = Double(live.attention(layer: v.layer, head: v.head, dest: d, src: s))
      guard diff else { return after }
      return after - Double(live.attention(layer: v.layer, head: v.head, dest: d, src: s, withoutInterventions: true))
    }

    // Source labels, written downwards, three characters each.
    for s in g.firstSource..<(g.firstSource + g.visibleSources) {
      let chars = Array(labels[s])
      let role: StyleRole = s == v.source ? .selected : .dim
      for r in 0..<headerRows where r < chars.count {
        grid[g.column(ofSource: s), inner.row + r] = Cell(chars[r], role)
      }
    }
    for line in 0..<((g.visibleDests + g.rowsPerLine - 1) / g.rowsPerLine) {
      let d = g.firstDest + line * g.rowsPerLine
      let y = g.row(ofDest: d)
      let label = g.rowsPerLine == 2 && d + 1 < live.count ? "\(d),\(d + 1)" : "\(d) \(labels[d])"
      let marked = d == dest || (g.rowsPerLine == 2 && d + 1 == dest)
      grid.put(label, column: inner.column, row: y, role: marked ? .selected : .dim, limit: labelWidth - 1)
      for s in g.firstSource..<(g.firstSource + g.visibleSources) {
        let x = g.column(ofSource: s)
        let selectedCell = s == (v.source ?? -1) && marked
        if g.rowsPerLine == 2 {
          let upper = s <= d || diff ? value(d, s) : 0
          let lower = d + 1 < live.count && (s <= d + 1 || diff) ? value(d + 1, s) : 0
          for dx in 0..<g.cellWidth {
            grid[x + dx, y] = Cell("▀", selectedCell ? .selected : HeatGlyph.role(upper, scale: 1), lower: HeatGlyph.role(lower, scale: 1))
          }
        } else if s > d && !diff {
          grid.put(g.cellWidth == 4 ? "   ·" : " ", column: x, row: y, role: .missing, limit: g.cellWidth)
        } else {
          let a = value(d, s)
          let text = v.values ? HeadGridPanel.cellNumber(a, width: 4).replacingOccurrences(of: "+", with: " ")
                              : String(repeating: HeatGlyph.glyph(a, scale: 1), count: g.cellWidth)
          grid.put(text, column: x, row: y, role: selectedCell ? .selected : HeatGlyph.role(a, scale: 1), limit: g.cellWidth)
        }
      }
    }
    let footerY = inner.row + inner.height - 1
    if let s = v.source {
      let text = "\(dest) \(labels[dest]) ← \(s) \(labels[s]) = \(String(format: "%.4f", value(dest, s)))"
      grid.put(text, column: inner.column, row: footerY, role: .title, limit: inner.width)
    } else {
      let row = (0...dest).map { value(dest, $0) }
      let top = row.indices.max { abs(row[$0]) < abs(row[$1]) } ?? 0
      grid.put("\(dest) \(labels[dest]) attends most to \(top) \(labels[top]) (\(String(format: "%.3f", row[top])))", column: inner.column, row: footerY, role: .title, limit: inner.width)
    }
  }
}
