import CircuitAnalysis
import Foundation
import WorkbenchCore

/// Everything the screen is drawn from: the engine's last snapshot plus the workbench's own
/// interface state (mode, editors, log, progress). Drawing is a pure function of this value.
public struct AppState: Sendable {
  /// What has the keyboard.
  public enum Mode: Equatable, Sendable {
    case normal
    /// The `:` command line.
    case command(LineEditor)
    /// Editing the prompt; the model re-runs as you type.
    case prompt(LineEditor)
    /// The `?` help screen, scrolled by `scroll` lines.
    case help(scroll: Int)
    /// A result shown whole (Enter on the log), scrolled by `scroll` lines.
    case result(index: Int, scroll: Int)
    /// `q` with unsaved changes: asks first.
    case confirmQuit
  }

  /// One line of the results log.
  public struct LogLine: Equatable, Sendable {
    public var text: String
    public var role: StyleRole
    /// The index into `results` this line shows, if it is a result.
    public var result: Int?
  }

  /// A command running on the worker, with its progress.
  public struct Job: Equatable, Sendable {
    public var command: String
    public var done = 0
    public var total = 0
    public var started: Date

    public init(command: String, done: Int = 0, total: Int = 0, started: Date) {
      self.command = command
      self.done = done
      self.total = total
      self.started = started
    }
  }

  public var engine = EngineSnapshot()
  /// The view (selection, focus, grid, theme): the interface's copy, ahead of the workbench's
  /// while commands queue.
  public var view = ViewState()
  public var mode = Mode.normal
  public var log: [LogLine] = []
  /// Results shown in the log, oldest first.
  public var results: [AnalysisResult] = []
  /// The selected log line (for Enter).
  public var logSelection: Int?
  /// The status line's message and whether it is an error.
  public var message: String?
  public var messageIsError = false
  public var job: Job?
  /// Commands queued behind the running one.
  public var queued = 0
  public var columns: Int
  public var rows: Int
  /// Whether the session has changes not saved.
  public var unsaved = false
  public var sessionPath: String?
  /// Draw shade glyphs instead of colour half-blocks (a theme without colours).
  public var monochrome = false
  public var commandHistory = CommandHistory()

  public init(columns: Int, rows: Int) {
    self.columns = columns
    self.rows = rows
  }

  /// The destination token the views follow: the selected one, else the last.
  public var destinationToken: Int? {
    guard let live = engine.live, live.count > 0 else { return nil }
    return min(view.token ?? live.count - 1, live.count - 1)
  }
}
