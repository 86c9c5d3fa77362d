/// A key the workbench understands, as the terminal device decodes it.
public enum Key: Hashable, Sendable {
  case character(Character)
  /// Ctrl plus a letter, e.g. `.control("c")`.
  case control(Character)
  case up, down, left, right
  case tab, backTab, enter, escape, backspace, delete
  case home, end, pageUp, pageDown
  case function(Int)
}

/// What the terminal reports: a key, a mouse click at a cell, or a new size.
public enum InputEvent: Hashable, Sendable {
  case key(Key)
  case click(column: Int, row: Int)
  case resize(columns: Int, rows: Int)
}
