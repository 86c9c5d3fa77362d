/// The screen as a grid of cells. Panels draw into it; a terminal device shows it; snapshot tests
/// read it as text. Cells outside the grid are ignored, so panels never need to clip.
public struct CellGrid: Equatable, Sendable {
  public let columns: Int
  public let rows: Int
  /// [rows * columns], row-major.
  public private(set) var cells: [Cell]

  public init(columns: Int, rows: Int) {
    self.columns = max(0, columns)
    self.rows = max(0, rows)
    cells = Array(repeating: Cell(), count: self.columns * self.rows)
  }

  public subscript(column: Int, row: Int) -> Cell {
    get { contains(column, row) ? cells[row * columns + column] : Cell() }
    set { if contains(column, row) { cells[row * columns + column] = newValue } }
  }

  public func contains(_ column: Int, _ row: Int) -> Bool {
    column >= 0 && row >= 0 && column < columns && row < rows
  }

  /// Writes `text` from (column, row), one cell per character, cut at `limit` cells (and at the
  /// grid's edge). Returns the column after the last cell written.
  @discardableResult
  public mutating func put(_ text: String, column: Int, row: Int, role: StyleRole = .text, limit: Int? = nil) -> Int {
    var x = column
    let end = limit.map { column + max(0, $0) } ?? columns
    for character in text {
      if x >= end { break }
      self[x, row] = Cell(character.isNewline ? " " : character, role)
      x += 1
    }
    return x
  }

  /// Fills a rectangle with one character and role.
  public mutating func fill(_ rect: Rect, _ character: Character = " ", role: StyleRole = .text) {
    for y in rect.row..<(rect.row + rect.height) {
      for x in rect.column..<(rect.column + rect.width) { self[x, y] = Cell(character, role) }
    }
  }

  /// The grid as plain text, one line per row with trailing spaces removed: what snapshot tests
  /// and `save-screen` write.
  public var text: String {
    (0..<rows).map { y in
      String(cells[(y * columns)..<((y + 1) * columns)].map(\.character)).replacingTrailingSpaces()
    }.joined(separator: "\n") + "\n"
  }

  /// The roles as one letter per cell (see `StyleRole.letter`), for snapshot tests of colour.
  public var roleText: String {
    (0..<rows).map { y in
      String(cells[(y * columns)..<((y + 1) * columns)].map(\.role.letter))
    }.joined(separator: "\n") + "\n"
  }
}

extension String {
  func replacingTrailingSpaces() -> String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}

extension StyleRole {
  /// A one-letter code for role snapshots.
  public var letter: Character {
    switch self {
    case .text: "."
    case .dim: ","
    case .title: "T"
    case .border: "|"
    case .focusedBorder: "F"
    case .selected: "S"
    case .status: "s"
    case .statusAlert: "A"
    case .progress: "P"
    case .error: "E"
    case .commandLine: ":"
    case .heat0: "0"
    case .heat1: "1"
    case .heat2: "2"
    case .heat3: "3"
    case .heat4: "4"
    case .heat5: "5"
    case .heat6: "6"
    case .cool1: "a"
    case .cool2: "b"
    case .cool3: "c"
    case .cool4: "d"
    case .cool5: "e"
    case .cool6: "f"
    case .missing: "-"
    }
  }
}
