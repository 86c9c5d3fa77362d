import CircuitAnalysis
import Foundation

/// The layer x head grid: the current layer x head result as a heat map (numbers when the cells
/// are wide enough, shade glyphs otherwise), the selected head marked, ablated heads crossed.
enum HeadGridPanel {
  /// Where the cells are inside the panel.
  struct Geometry {
    let inner: Rect
    let layers: Int
    let heads: Int
    /// Columns per head cell (1 to 7).
    let cellWidth: Int
    /// Rows scrolled off the top, so the selected layer stays visible.
    let firstLayer: Int
    static let labelWidth = 4

    init(inner: Rect, layers: Int, heads: Int, selectedLayer: Int) {
      self.inner = inner
      self.layers = layers
      self.heads = heads
      cellWidth = heads > 0 ? max(1, min(7, (inner.width - Self.labelWidth) / heads)) : 1
      let visible = max(1, inner.height - 2)
      firstLayer = max(0, min(selectedLayer - visible + 1, layers - visible, selectedLayer))
    }

    var visibleLayers: Range<Int> { firstLayer..<min(layers, firstLayer + max(1, inner.height - 2)) }
    func column(ofHead h: Int) -> Int { inner.column + Self.labelWidth + h * cellWidth }
    func row(ofLayer l: Int) -> Int { inner.row + 1 + (l - firstLayer) }

    /// The head under a click, if any.
    func head(atColumn x: Int, row y: Int) -> HeadIndex? {
      let l = y - inner.row - 1 + firstLayer
      let h = (x - inner.column - Self.labelWidth) / cellWidth
      guard x >= inner.column + Self.labelWidth, visibleLayers.contains(l), h >= 0, h < heads else { return nil }
      return HeadIndex(l, h)
    }
  }

  static func geometry(_ state: AppState, in rect: Rect) -> Geometry {
    Geometry(inner: rect.inner, layers: state.engine.layers, heads: state.engine.heads, selectedLayer: state.view.layer)
  }

  static func draw(_ state: AppState, in rect: Rect, on grid: inout CellGrid) {
    let result = state.engine.gridResult(for: state.view)
    let kinds = state.engine.gridResults
    let position = result.flatMap { r in kinds.firstIndex { $0.kind == r.kind } }.map { " \($0 + 1)/\(kinds.count) g" } ?? ""
    // A sender grid (composition) names the receiver it shows: the selected head.
    let receiver = result?.params["receiver"]?.stringValue.map { " into \($0)" } ?? ""
    let title = (result?.kind ?? "heads") + receiver + position
    let inner = PanelFrame.draw(title, in: rect, focused: state.view.focus == "grid", on: &grid)
    let g = geometry(state, in: rect)
    guard g.layers > 0, inner.height >= 3 else { return }
    let values = result?.values.numbers ?? []
    let cells = result?.values.cells ?? []
    let scale = values.compactMap { $0 }.map(abs).filter(\.isFinite).max() ?? 0
    let ablated = Set(state.engine.ablated)
    let numbers = g.cellWidth >= 5

    for h in 0..<g.heads where g.cellWidth >= 2 || h % 2 == 0 {
      grid.put(String(h), column: g.column(ofHead: h), row: inner.row, role: .dim, limit: max(g.cellWidth, 2))
    }
    for l in g.visibleLayers {
      let y = g.row(ofLayer: l)
      grid.put("L\(l)", column: inner.column, row: y, role: .dim, limit: Geometry.labelWidth)
      for h in 0..<g.heads {
        let value = values.isEmpty ? nil : values[l * g.heads + h]
        let selected = l == state.view.layer && h == state.view.head
        var text: String
        var role: StyleRole
        if !cells.isEmpty, case .token(let label) = cells[l * g.heads + h] {
          // A class label (e.g. causal head gating's): its own symbol and role, so classes differ
          // without colour too.
          let mark = HeadClass(label)
          text = numbers ? String("\(mark.symbol) \(label)".prefix(g.cellWidth - 1)) : String(mark.symbol)
          role = mark.role
        } else if let value {
          text = numbers ? cellNumber(value, width: g.cellWidth - 1) : String(repeating: HeatGlyph.glyph(value, scale: scale), count: g.cellWidth)
          role = HeatGlyph.role(value, scale: scale)
        } else {
          text = numbers ? "·".padding(toLength: g.cellWidth - 1, withPad: " ", startingAt: 0) : "·"
          role = .missing
        }
        if ablated.contains(HeadIndex(l, h)) { text = "×" + text.dropFirst() }
        if selected { role = .selected }
        grid.put(text, column: g.column(ofHead: h), row: y, role: role, limit: numbers ? g.cellWidth - 1 : g.cellWidth)
        if selected && numbers { grid[g.column(ofHead: h) + g.cellWidth - 1, y] = Cell("◂", .selected) }
      }
    }
    if result == nil, inner.height >= g.layers + 5 {
      let hints = ["no layer x head result yet:", "D detect · A ablate each", "P patch · V relevance · d dla"]
      for (i, hint) in hints.enumerated() {
        grid.put(hint, column: inner.column, row: g.row(ofLayer: g.visibleLayers.upperBound - 1) + 2 + i, role: .dim, limit: inner.width)
      }
    }
    // The selected head's value on the last row.
    let footer = inner.row + inner.height - 1
    if footer > g.row(ofLayer: g.visibleLayers.upperBound - 1) {
      let value = values.isEmpty ? nil : values[state.view.layer * g.heads + state.view.head]
      let text = "head \(state.view.layer).\(state.view.head)" + (value.map { " = \(String(format: "%+.4f", $0))" } ?? "")
      grid.put(text, column: inner.column, row: footer, role: .title, limit: inner.width)
    }
  }

  /// How a head's class label is drawn: a symbol and a role per class.
  struct HeadClass {
    let symbol: Character
    let role: StyleRole

    init(_ label: String) {
      switch label {
      case "facilitating": (symbol, role) = ("+", .heat6)
      case "interfering": (symbol, role) = ("−", .cool6)
      case "irrelevant": (symbol, role) = ("·", .dim)
      case "ambiguous": (symbol, role) = ("?", .statusAlert)
      default: (symbol, role) = (label.first ?? "?", .text)
      }
    }
  }

  /// A number fitted to `width` characters, right-aligned, sign first.
  static func cellNumber(_ value: Double, width: Int) -> String {
    var text = ""
    for digits in stride(from: 3, through: 0, by: -1) {
      text = String(format: "%+.\(digits)f", value)
      if abs(value) < 1, text.count > width { text = text.replacingOccurrences(of: "0.", with: ".") }
      if text.count <= width { break }
    }
    if text.count > width { text = String(format: "%+.0e", value) }
    return String(repeating: " ", count: max(0, width - text.count)) + text
  }
}
