/// The cells of a result, stored flat in row-major order of `shape` (the sizes of the result's
/// axes) and written to JSON as arrays nested in axis order. A grid of shape [] is one cell.
public struct ResultGrid: Codable, Equatable, Sendable {
  public private(set) var shape: [Int]
  public var cells: [ResultCell]  // product(shape) cells, row-major

  public init(shape: [Int], cells: [ResultCell]) {
    precondition(cells.count == shape.reduce(1, *), "grid of shape \(shape) needs \(shape.reduce(1, *)) cells, got \(cells.count)")
    self.shape = shape
    self.cells = cells
  }

  /// A grid with every cell missing (filled in as a sweep proceeds).
  public init(missing shape: [Int]) {
    self.init(shape: shape, cells: Array(repeating: .missing, count: shape.reduce(1, *)))
  }

  /// A grid of numbers.
  public init(shape: [Int], numbers: [Double]) {
    self.init(shape: shape, cells: numbers.map { .number($0) })
  }

  public init(shape: [Int], floats: [Float]) {
    self.init(shape: shape, cells: floats.map { .number(Double($0)) })
  }

  public static func scalar(_ value: Double) -> ResultGrid { ResultGrid(shape: [], numbers: [value]) }

  /// Row-major offset of a multi-index.
  public func offset(_ index: [Int]) -> Int {
    precondition(index.count == shape.count, "index \(index) for a grid of shape \(shape)")
    var offset = 0
    for (i, n) in zip(index, shape) {
      precondition(i >= 0 && i < n, "index \(index) outside shape \(shape)")
      offset = offset * n + i
    }
    return offset
  }

  public subscript(_ index: Int...) -> ResultCell {
    get { cells[offset(index)] }
    set { cells[offset(index)] = newValue }
  }

  /// The numbers, with nil for missing and token cells.
  public var numbers: [Double?] { cells.map(\.number) }

  /// The per-axis index of row-major cell `flat` in a grid of `shape`.
  public static func index(ofCell flat: Int, shape: [Int]) -> [Int] {
    var index: [Int] = []
    var rest = flat
    for n in shape.reversed() {
      index.insert(rest % max(n, 1), at: 0)
      rest /= max(n, 1)
    }
    return index
  }

  /// How many cells are not computed.
  public var missingCount: Int { cells.filter { $0 == .missing }.count }

  public init(from decoder: Decoder) throws {
    var shape: [Int] = []
    var cells: [ResultCell] = []
    try ResultGrid.flatten(try JSONValue(from: decoder), depth: 0, shape: &shape, cells: &cells, path: decoder.codingPath)
    self.shape = shape
    self.cells = cells
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(NestedCells(grid: self, axis: 0, start: 0))
  }

  /// Reads nested arrays into a flat list, recording the shape from the first array at each depth
  /// and refusing a ragged nesting.
  private static func flatten(_ value: JSONValue, depth: Int, shape: inout [Int], cells: inout [ResultCell], path: [CodingKey]) throws {
    func fail(_ message: String) -> DecodingError {
      .dataCorrupted(.init(codingPath: path, debugDescription: message))
    }
    switch value {
    case .array(let items):
      if depth == shape.count && cells.isEmpty {
        shape.append(items.count)
      } else if depth >= shape.count || shape[depth] != items.count {
        throw fail("values are ragged: an array of \(items.count) at depth \(depth), expected \(depth < shape.count ? String(shape[depth]) : "a cell")")
      }
      for item in items { try flatten(item, depth: depth + 1, shape: &shape, cells: &cells, path: path) }
    case .null:
      guard depth == shape.count else { throw fail("a null cell at depth \(depth) inside a grid of rank \(shape.count)") }
      cells.append(.missing)
    case .number(let v):
      guard depth == shape.count else { throw fail("a number at depth \(depth) inside a grid of rank \(shape.count)") }
      cells.append(.number(v))
    case .string(let s):
      guard depth == shape.count else { throw fail("a token at depth \(depth) inside a grid of rank \(shape.count)") }
      cells.append(.token(s))
    case .bool, .object:
      throw fail("a grid cell must be a number, a token string or null")
    }
  }
}

/// Encodes one sub-array of a grid (axis `axis`, starting at flat offset `start`) as JSON arrays.
private struct NestedCells: Encodable {
  let grid: ResultGrid
  let axis: Int
  let start: Int

  func encode(to encoder: Encoder) throws {
    if axis == grid.shape.count {
      try grid.cells[start].encode(to: encoder)
      return
    }
    let stride = grid.shape[(axis + 1)...].reduce(1, *)
    var container = encoder.unkeyedContainer()
    for i in 0..<grid.shape[axis] {
      try container.encode(NestedCells(grid: grid, axis: axis + 1, start: start + i * stride))
    }
  }
}
