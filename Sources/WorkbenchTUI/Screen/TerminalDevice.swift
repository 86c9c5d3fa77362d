/// A screen the workbench draws on and reads events from: the real terminal (ncurses) or an
/// in-memory one for tests, `--screen` batch runs and `headlab bench tui`.
public protocol TerminalDevice: AnyObject {
  /// The current size in cells.
  var columns: Int { get }
  var rows: Int { get }
  /// Shows a full frame; the device sends only what changed.
  func present(_ grid: CellGrid, theme: Theme)
  /// The next event, waiting at most `timeoutMilliseconds` (0: do not wait); nil on timeout.
  func nextEvent(timeoutMilliseconds: Int) -> InputEvent?
  /// Restores the terminal (idempotent): cursor, echo, colours, the normal screen.
  func restore()
}
