/// A panel's border and title, drawn with box characters; the focused panel's border is marked.
enum PanelFrame {
  /// Draws the frame of `rect` and returns the rectangle inside it.
  @discardableResult
  static func draw(_ title: String, in rect: Rect, focused: Bool, on grid: inout CellGrid) -> Rect {
    guard rect.width >= 2, rect.height >= 2 else { return Rect(column: rect.column, row: rect.row, width: 0, height: 0) }
    let role: StyleRole = focused ? .focusedBorder : .border
    let (left, top) = (rect.column, rect.row)
    let (right, bottom) = (rect.column + rect.width - 1, rect.row + rect.height - 1)
    let horizontal: Character = focused ? "━" : "─"
    let vertical: Character = focused ? "┃" : "│"
    for x in (left + 1)..<right {
      grid[x, top] = Cell(horizontal, role)
      grid[x, bottom] = Cell(horizontal, role)
    }
    for y in (top + 1)..<bottom {
      grid[left, y] = Cell(vertical, role)
      grid[right, y] = Cell(vertical, role)
    }
    grid[left, top] = Cell(focused ? "┏" : "┌", role)
    grid[right, top] = Cell(focused ? "┓" : "┐", role)
    grid[left, bottom] = Cell(focused ? "┗" : "└", role)
    grid[right, bottom] = Cell(focused ? "┛" : "┘", role)
    if rect.width > 4 {
      grid.put(" \(title) ", column: left + 1, row: top, role: focused ? .focusedBorder : .title, limit: rect.width - 2)
    }
    return rect.inner
  }
}
