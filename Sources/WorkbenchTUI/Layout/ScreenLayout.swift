/// Where each panel goes for a screen size. The workbench needs 80x24; below that it shows only
/// the "terminal too small" message. Larger screens give the extra rows to the head grid and the
/// attention matrix, and the extra columns to the attention matrix and the results log.
public struct ScreenLayout: Equatable, Sendable {
  public static let minimumColumns = 80
  public static let minimumRows = 24

  public let status: Rect
  public let tokens: Rect
  public let grid: Rect
  public let attention: Rect
  public let topK: Rect
  public let lens: Rect
  public let log: Rect
  public let commandLine: Rect

  /// Nil when the screen is smaller than 80x24.
  public init?(columns: Int, rows: Int, layers: Int, heads: Int) {
    guard columns >= Self.minimumColumns, rows >= Self.minimumRows else { return nil }
    status = Rect(column: 0, row: 0, width: columns, height: 1)
    tokens = Rect(column: 0, row: 1, width: columns, height: 1)
    commandLine = Rect(column: 0, row: rows - 1, width: columns, height: 1)
    // The bottom band (top-k, lens, log) takes a quarter of the rows, at least 6.
    let bottomHeight = max(6, (rows - 3) / 4)
    let middleTop = 2
    let middleHeight = rows - 3 - bottomHeight
    // The grid gets what its heads need (7 columns per head at most), within 45% of the width.
    let wanted = 7 + heads * 7
    let gridWidth = min(max(26, wanted), columns * 45 / 100)
    grid = Rect(column: 0, row: middleTop, width: gridWidth, height: middleHeight)
    attention = Rect(column: gridWidth, row: middleTop, width: columns - gridWidth, height: middleHeight)
    let bottomTop = middleTop + middleHeight
    let topKWidth = max(24, columns / 4)
    let lensWidth = max(20, columns / 6)
    topK = Rect(column: 0, row: bottomTop, width: topKWidth, height: bottomHeight)
    lens = Rect(column: topKWidth, row: bottomTop, width: lensWidth, height: bottomHeight)
    log = Rect(column: topKWidth + lensWidth, row: bottomTop, width: columns - topKWidth - lensWidth, height: bottomHeight)
  }
}
