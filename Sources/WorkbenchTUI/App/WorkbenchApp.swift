import CircuitAnalysis
import Foundation
import WorkbenchCore

/// The terminal workbench: reads events, turns keys into catalog commands for the one
/// executor, and draws the screen from `AppState`. Commands run on an `EngineWorker`, so keys
/// are handled while an analysis runs; the prompt editor re-runs the model after a short pause.
public final class WorkbenchApp {
  public internal(set) var state: AppState
  public internal(set) var theme: Theme
  let worker: EngineWorker
  let loadTheme: (String) throws -> Theme
  /// A job submitted and not finished: whether to adopt the workbench's view after it, and
  /// whether it is one of the starting commands (which leave the session unmodified).
  struct PendingJob {
    let job: EngineWorker.Job
    let adoptView: Bool
    let startup: Bool
    /// Sent by a key for the record (a `select`): its message is not shown.
    let quiet: Bool
  }
  var jobs: [PendingJob] = []
  /// Commands sent now are the starting ones.
  var starting = false
  /// The prompt typed but not yet sent (sent `debounce` after the last key).
  var pendingPrompt: (text: String, due: Date)?
  /// The prompt before editing started (Esc restores it).
  var promptBeforeEditing: String?
  public internal(set) var isFinished = false
  /// The last frame drawn, as text (`save-screen` writes it).
  private let frameLock = NSLock()
  private var lastFrameText = ""
  /// A frame must be drawn.
  var needsRedraw = true

  /// How long the prompt editor waits after a key before re-running the model.
  public static let debounce: TimeInterval = 0.03

  /// `synchronous` runs every command inline (tests, `--screen`, benchmarks of the executor).
  public init(workbench: Workbench, columns: Int, rows: Int, theme: Theme, synchronous: Bool = false,
              loadTheme: @escaping (String) throws -> Theme) {
    state = AppState(columns: columns, rows: rows)
    self.theme = theme
    self.loadTheme = loadTheme
    state.monochrome = theme.colors == 0
    state.view.theme = theme.name
    worker = EngineWorker(workbench: workbench, synchronous: synchronous)
    workbench.themeCheck = { name in _ = try loadTheme(name) }
    workbench.screenWriter = { [weak self] path in
      guard let self else { return "no screen" }
      let text = self.frameLock.withLock { self.lastFrameText }
      try ScreenCapture.write(text, to: path)
      return "screen written to \(path)"
    }
  }

  /// Starts the session: loads the model (and a session file or first commands), drawing as
  /// results arrive.
  public func start(commands: [String]) {
    starting = true
    defer { starting = false }
    for line in commands { send(line, logged: true) }
  }

  /// The frame for the current state.
  public func frame(now: Date = Date()) -> CellGrid {
    let grid = ScreenRenderer.render(state, now: now)
    frameLock.withLock { lastFrameText = grid.text }
    return grid
  }

  /// Runs the event loop on `terminal` until quit; restores the terminal on the way out.
  public func run(on terminal: TerminalDevice) {
    defer {
      // The screen goes at once; the worker then finishes (or cancels) what it is doing before
      // the process may exit.
      terminal.restore()
      worker.stop(cancelling: jobs.map(\.job))
    }
    resize(columns: terminal.columns, rows: terminal.rows)
    while !isFinished {
      if needsRedraw {
        terminal.present(frame(), theme: theme)
        needsRedraw = false
      }
      let waiting = !jobs.isEmpty || pendingPrompt != nil
      if let event = terminal.nextEvent(timeoutMilliseconds: waiting ? 10 : 200) {
        handle(event)
      }
      pump()
    }
  }

  /// Takes finished commands from the worker, fires a due prompt edit, updates progress.
  public func pump(now: Date = Date()) {
    if let pending = pendingPrompt, pending.due <= now {
      pendingPrompt = nil
      send("prompt \(ParsedLine.quotedValue(pending.text))", logged: false)
    }
    for completion in worker.drain() { finish(completion) }
    if let first = jobs.first {
      let p = worker.progress(of: first.job.id)
      if state.job?.command != first.job.line { state.job = AppState.Job(command: first.job.line, started: now) }
      if let p { (state.job!.done, state.job!.total) = p }
      state.queued = jobs.count - 1
      needsRedraw = true
    } else if state.job != nil {
      state.job = nil
      state.queued = 0
      needsRedraw = true
    }
  }

  /// Waits for every queued command and applies their results (tests, `--screen`, benchmarks).
  public func settle() {
    while !jobs.isEmpty || pendingPrompt != nil {
      if let pending = pendingPrompt { pump(now: pending.due) } else { worker.waitUntilIdle(); pump() }
    }
  }

  public func resize(columns: Int, rows: Int) {
    state.columns = columns
    state.rows = rows
    needsRedraw = true
  }

  func quit() { isFinished = true }

  /// Whether no command is running or queued on the worker.
  public var isEngineIdle: Bool { worker.pendingCount == 0 }
}
