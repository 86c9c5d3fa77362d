import Foundation
import WorkbenchCore

/// `headlab bench tui`: keystroke-to-frame latency of the workbench on an in-memory terminal,
/// with commands on the background worker exactly as in the terminal. Each scenario presses a
/// key and times until the frame that shows its effect has been drawn.
public enum TUIBenchmark {
  /// Latencies of one scenario in milliseconds.
  public struct Figures: Sendable {
    public let name: String
    public let samples: [Double]
    public var median: Double { percentile(0.5) }
    public var p95: Double { percentile(0.95) }
    func percentile(_ q: Double) -> Double {
      let sorted = samples.sorted()
      guard !sorted.isEmpty else { return .nan }
      return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }
    public var line: String {
      String(format: "%-58@ median %7.2f ms  p95 %7.2f ms  (%d keys)", name as NSString, median, p95, samples.count)
    }
  }

  static let prompt = "When Mary and John went to the store, John gave a drink to"

  /// Runs every scenario on `model` (`default`, a directory or a cache name).
  public static func run(model: String, characters: Int = 40, theme: Theme, log: (String) -> Void) throws -> [Figures] {
    let workbench = Workbench()
    let app = WorkbenchApp(workbench: workbench, columns: 120, rows: 40, theme: theme, loadTheme: { _ in theme })
    app.start(commands: ["model \(ParsedLine.quotedValue(model))", "prompt \(ParsedLine.quotedValue(prompt))", #"answer " Mary" " John""#])
    try wait(app, timeout: 600) { app.state.engine.live != nil }
    var figures: [Figures] = []

    // 1. Typing a prompt character: on screen in the next frame. 2. The frame with the attention
    // and metric recomputed, typing at 5 characters a second (the debounce counted in).
    app.handle(.key(.character("p")))
    var echo: [Double] = [], recomputed: [Double] = []
    let typed = Array(" and then Mary gave the book to John because she liked him very much".prefix(characters))
    for c in typed {
      let start = Date()
      app.handle(.key(.character(c)))
      let frame = app.frame()
      echo.append(Date().timeIntervalSince(start) * 1000)
      guard case .prompt(let editor) = app.state.mode, frame.text.contains(String(editor.string.suffix(8)).trimmingCharacters(in: .whitespaces)) else {
        throw CommandFailure("the typed character is not on the frame")
      }
      try wait(app, timeout: 60) { app.state.engine.promptText == editor.string && app.state.engine.live?.count ?? 0 > 0 }
      _ = app.frame()
      let elapsed = Date().timeIntervalSince(start)
      recomputed.append(elapsed * 1000)
      Thread.sleep(forTimeInterval: max(0, 0.2 - elapsed))
    }
    app.handle(.key(.enter))
    try wait(app, timeout: 60) { app.jobs.isEmpty }
    figures.append(Figures(name: "typed character on screen (next frame)", samples: echo))
    figures.append(Figures(name: "typed character to recomputed attention+metric (5 char/s)", samples: recomputed))
    log(figures[0].line)
    log(figures[1].line)

    // 3. Toggling the ablation of the selected head, to the frame with its effect.
    var toggles: [Double] = []
    for i in 0..<20 {
      app.handle(.key(.character(i % 2 == 0 ? "l" : "j")))
      try wait(app, timeout: 60) { app.jobs.isEmpty }
      let before = app.state.engine.ablated.count
      let start = Date()
      app.handle(.key(.character("a")))
      try wait(app, timeout: 60) { app.state.engine.ablated.count != before && app.jobs.isEmpty }
      _ = app.frame()
      toggles.append(Date().timeIntervalSince(start) * 1000)
    }
    figures.append(Figures(name: "toggle ablation to redrawn frame", samples: toggles))
    log(figures.last!.line)

    // 4. Moving the selection.
    figures.append(Figures(name: "move the selection", samples: try moves(app, count: 60)))
    log(figures.last!.line)

    // 5. Keys while a sweep runs on the worker.
    app.send("patch resid_pre", logged: true)
    app.send("relevance ioi method=ablation count=200", logged: true)
    try wait(app, timeout: 60) { app.state.job != nil }
    let busy = try moves(app, count: 40, whileBusy: true)
    figures.append(Figures(name: "move the selection while a sweep runs", samples: busy))
    log(figures.last!.line)
    app.cancel()
    try wait(app, timeout: 600) { app.jobs.isEmpty }
    return figures
  }

  /// Presses arrow keys and times each to its drawn frame (the interface's own work: the
  /// selection changes at once; its `select` command is recorded in the background).
  static func moves(_ app: WorkbenchApp, count: Int, whileBusy: Bool = false) throws -> [Double] {
    var samples: [Double] = []
    // From head 0.0 a square right, down, left, up never meets an edge.
    app.state.view.focus = "grid"
    app.select(layer: 0, head: 0)
    let keys: [Key] = [.right, .down, .left, .up]
    for i in 0..<count {
      let before = app.state.view
      let start = Date()
      app.handle(.key(keys[i % 4]))
      app.pump()
      _ = app.frame()
      samples.append(Date().timeIntervalSince(start) * 1000)
      if app.state.view == before && app.state.engine.layers > 1 { throw CommandFailure("the selection did not move") }
      if whileBusy, app.jobs.isEmpty { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return samples
  }

  /// Pumps the app until `condition` holds.
  static func wait(_ app: WorkbenchApp, timeout: TimeInterval, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
      guard Date() < deadline else { throw CommandFailure("timed out waiting for the workbench (\(app.state.message ?? "no message"))") }
      Thread.sleep(forTimeInterval: 0.0005)
      app.pump()
    }
  }
}
