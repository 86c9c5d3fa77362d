/// An in-memory terminal: events come from a queue, frames are kept. Used by snapshot tests,
/// `headlab batch --screen WxH` and `headlab bench tui`.
public final class MemoryTerminal: TerminalDevice {
  public private(set) var columns: Int
  public private(set) var rows: Int
  /// The last frame presented.
  public private(set) var frame: CellGrid
  public private(set) var framesPresented = 0
  public private(set) var restored = false
  /// Events still to deliver, first first.
  public var pending: [InputEvent] = []
  /// Called after each frame is presented (benchmarks time keystroke to frame with it).
  public var onPresent: ((CellGrid) -> Void)?

  public init(columns: Int, rows: Int) {
    self.columns = columns
    self.rows = rows
    frame = CellGrid(columns: columns, rows: rows)
  }

  public func present(_ grid: CellGrid, theme: Theme) {
    frame = grid
    framesPresented += 1
    onPresent?(grid)
  }

  public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
    guard !pending.isEmpty else { return nil }
    let event = pending.removeFirst()
    if case .resize(let c, let r) = event { columns = c; rows = r }
    return event
  }

  public func restore() { restored = true }
}
