import Foundation
import HeadLabTestSupport
import XCTest

/// The real `headlab` binary in tmux, driven with keys as a person would: the end-to-end steps of
/// issue 14, the README's walkthrough, signals, and a run of random keys.
final class WorkbenchTmuxTests: XCTestCase {
  var binary: String { Bundle.main.bundleURL.appendingPathComponent("headlab").path }

  /// The repository's Sessions/ folder.
  var sessions: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sessions").standardized
  }

  /// Starts headlab in a pane through a shell that, when headlab ends, prints its exit status and
  /// then sleeps: the pane stays alive, so tmux reports the terminal modes headlab left behind,
  /// and keys typed after the end reach `sleep`, never a shell.
  func start(_ arguments: [String] = [], columns: Int = 100, rows: Int = 30, in folder: URL) throws -> TmuxSession {
    // The shell ignores SIGINT (headlab installs its own handlers) so a Ctrl-C typed just as
    // headlab quits cannot end the pane, and echo is off once headlab has gone.
    let wrapper = #"trap '' INT; "$0" "$@"; status=$?; stty -echo 2>/dev/null; echo "headlab exit $status"; exec sleep 600"#
    let tmux = try TmuxSession(["sh", "-c", wrapper, binary] + arguments, columns: columns, rows: rows, workingDirectory: folder)
    try tmux.waitFor("logit_diff", timeout: 120)
    return tmux
  }

  /// headlab's exit status once it has ended (128 + N for signal N), nil while it runs.
  static func exitStatus(_ tmux: TmuxSession) throws -> Int? {
    let screen = try tmux.screen()
    guard let range = screen.range(of: #"headlab exit [0-9]+"#, options: .regularExpression) else { return nil }
    return Int(screen[range].split(separator: " ").last!)
  }

  /// Waits for headlab to end; returns its exit status.
  static func waitForExit(_ tmux: TmuxSession, timeout: TimeInterval = 10) throws -> Int {
    try tmux.waitFor("headlab exit", timeout: timeout)
    return try exitStatus(tmux)!
  }

  /// start, select a head, toggle its ablation, run a sweep with its progress bar, cancel it, open
  /// help, resize, save, quit with the terminal restored.
  func testEndToEndSteps() throws {
    let folder = try HeadLabBinary.temporaryDirectory("headlab-tmux")
    defer { try? FileManager.default.removeItem(at: folder) }
    let tmux = try start(in: folder)
    defer { tmux.kill() }

    try tmux.sendKeys("j")
    try tmux.sendKeys("l")
    try tmux.waitFor("head 1.1")

    let before = try tmux.screen()
    XCTAssertFalse(before.contains("(was "))
    try tmux.sendKeys("a")
    let ablated = try tmux.waitFor("ablated 1.1")
    XCTAssertTrue(ablated.contains("(was "), "the status bar shows the metric before the ablation:\n\(ablated)")

    try tmux.sendKeys(":")
    try tmux.type("relevance ioi method=gradient count=20000")
    try tmux.sendKeys("Enter")
    try tmux.waitForScreen(timeout: 60, "the progress bar") { $0.contains("ETA") && $0.contains("%") }
    try tmux.sendKeys("j")
    try tmux.waitFor("head 2.1", timeout: 5)
    try tmux.sendKeys("Escape")
    try tmux.waitFor("cancelled after", timeout: 60)

    try tmux.sendKeys("?")
    try tmux.waitFor("HeadLab workbench: keys")
    try tmux.sendKeys("Escape")
    try tmux.waitFor("attention 2.1")

    try tmux.resize(columns: 70, rows: 20)
    try tmux.waitFor("terminal too small: 70x20")
    try tmux.resize(columns: 100, rows: 30)
    try tmux.waitFor("attention 2.1")

    try tmux.sendKeys(":")
    try tmux.type("save walk.session.json")
    try tmux.sendKeys("Enter")
    try tmux.waitFor("saved")
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("walk.session.json").path))

    try tmux.sendKeys("q")
    XCTAssertEqual(try Self.waitForExit(tmux), 0)
    XCTAssertEqual(try tmux.terminalModes(), .restored)
  }

  /// The README's walkthrough, key by key, and every key it uses is on the `?` screen.
  func testREADMEWalkthrough() throws {
    let folder = try HeadLabBinary.temporaryDirectory("headlab-walkthrough")
    defer { try? FileManager.default.removeItem(at: folder) }
    let tmux = try start(columns: 110, rows: 50, in: folder)
    defer { tmux.kill() }
    try tmux.sendKeys("?")
    let keys = ["o ", "g ", "d ", "↓ j", "→ l", "Enter", "a ", "u ", "e ", "T ", "S-Tab", ":", "q "]
    // The whole frame: tmux may be read while the terminal is still receiving it.
    let help = try tmux.waitForScreen(timeout: 10, "the help screen with every walkthrough key") { screen in
      screen.contains("HeadLab workbench: keys") && keys.allSatisfy { screen.contains("  \($0)") }
    }
    XCTAssertTrue(help.contains("?"))
    try tmux.sendKeys("Escape")

    // 1. Load the IOI session.
    try tmux.sendKeys("o")
    try tmux.type(sessions.appendingPathComponent("ioi.session.json").path)
    try tmux.sendKeys("Enter")
    try tmux.waitFor("relevance.hrv", timeout: 120)
    // 2. Find the name movers: restore every head, then direct logit attribution per head.
    try tmux.sendKeys("u")
    try tmux.waitForScreen(timeout: 30, "no interventions") { !$0.contains("│ ablated ") }
    try tmux.sendKeys("d")
    let dla = try tmux.waitFor("dla.heads")
    XCTAssertTrue(dla.contains("largest -3.2180 at 2.0"), dla)
    // 3. Select head 2.1 and look at its attention.
    try tmux.sendKeys("j")
    try tmux.sendKeys("j")
    try tmux.sendKeys("l")
    try tmux.waitFor("head 2.1 = +3.2106")
    try tmux.sendKeys("Enter")
    let attention = try tmux.waitFor("attention 2.1")
    XCTAssertTrue(attention.contains("attends most to"), attention)
    // 4. Ablate it and watch the logit difference fall.
    try tmux.sendKeys("a")
    let after = try tmux.waitFor("ablated 2.1")
    let numbers = Self.metric(after)
    XCTAssertNotNil(numbers, after)
    if let (now, was) = numbers {
      XCTAssertEqual(now, 0.788, accuracy: 1e-3, "the README's number")
      XCTAssertEqual(was, 11.728, accuracy: 1e-3)
    }
    // 5. Export the result.
    try tmux.sendKeys("e")
    try tmux.sendKeys("Enter")
    // The command line shows the file name as soon as `e` is pressed: wait for the file itself.
    let exported = folder.appendingPathComponent("headlab-result.json").path
    let deadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: exported), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    XCTAssertTrue(FileManager.default.fileExists(atPath: exported), "export wrote \(exported)")
    // 6. Trace the IOI circuit, then open it from the log as a graph and select a node.
    try tmux.sendKeys("T")
    let traced = try tmux.waitFor("trace.eap = ", timeout: 120)
    XCTAssertTrue(traced.contains("trace.eap = 0.8191"), "the README's number: \(traced)")
    try tmux.sendKeys("BTab")
    try tmux.sendKeys("BTab")
    try tmux.sendKeys("Enter")
    let graph = try tmux.waitFor("circuit (eap): ")
    XCTAssertTrue(graph.contains("layer 2  a2.0  a2.1  a2.2") && graph.contains("faithfulness 0.819"), graph)
    // The logits are selected first; ↓ selects a node that also writes (the logits write nowhere).
    try tmux.sendKeys("Down")
    try tmux.waitFor("writes to (1):")
    // 7. Export the circuit as DOT.
    try tmux.sendKeys("e")
    try tmux.waitFor(":export circuit.dot")
    try tmux.sendKeys("Enter")
    let dot = folder.appendingPathComponent("circuit.dot").path
    let dotDeadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: dot), Date() < dotDeadline { Thread.sleep(forTimeInterval: 0.02) }
    let text = try String(contentsOfFile: dot, encoding: .utf8)
    XCTAssertTrue(text.hasPrefix("digraph circuit {") && text.contains("\"<a2.1>\""), text)
    try tmux.sendKeys("q")
    try tmux.sendKeys("y")
    XCTAssertEqual(try Self.waitForExit(tmux), 0)
    XCTAssertEqual(try tmux.terminalModes(), .restored)
  }

  /// `logit_diff NOW (was BEFORE)` from the status bar.
  static func metric(_ screen: String) -> (Double, Double)? {
    guard let range = screen.range(of: #"logit_diff (-?[0-9.]+) \(was (-?[0-9.]+)\)"#, options: .regularExpression) else { return nil }
    let parts = screen[range].split(separator: " ")
    guard let now = Double(parts[1]), let was = Double(parts[3].dropLast()) else { return nil }
    return (now, was)
  }

  /// SIGTERM, SIGINT and SIGHUP end the workbench with the terminal restored.
  func testSignalsRestoreTheTerminal() throws {
    let folder = try HeadLabBinary.temporaryDirectory("headlab-signals")
    defer { try? FileManager.default.removeItem(at: folder) }
    for signal in [SIGTERM, SIGINT, SIGHUP] {
      let tmux = try start(in: folder)
      XCTAssertTrue(try tmux.terminalModes().alternateScreen, "the workbench runs on the alternate screen")
      let pid = try XCTUnwrap(Int32(try tmux.value("#{pane_pid}")), "the shell's pid")
      // The shell's child is headlab: signal it, not the shell.
      let child = try XCTUnwrap(Self.child(of: pid), "headlab's pid")
      XCTAssertEqual(kill(child, signal), 0)
      XCTAssertEqual(try Self.waitForExit(tmux), 128 + Int(signal), "signal \(signal)")
      XCTAssertEqual(try tmux.terminalModes(), .restored, "after signal \(signal)")
      tmux.kill()
    }
  }

  /// The first child process of `pid` (from /proc).
  static func child(of pid: Int32) -> Int32? {
    let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
    return text.split(separator: " ").first.flatMap { Int32($0) }
  }

  /// An invalid `:` command shows its parse error on the status line; a session that fails to
  /// open leaves the current session as it was.
  func testBadInputKeepsTheWorkbenchRunning() throws {
    let folder = try HeadLabBinary.temporaryDirectory("headlab-bad")
    defer { try? FileManager.default.removeItem(at: folder) }
    try "{ not json".write(to: folder.appendingPathComponent("broken.session.json"), atomically: true, encoding: .utf8)
    let tmux = try start(in: folder)
    defer { tmux.kill() }
    try tmux.sendKeys(":")
    try tmux.type("patch resid_pre normalize=yes")
    try tmux.sendKeys("Enter")
    try tmux.waitFor("did you mean 'normalise'")
    try tmux.sendKeys("a")
    try tmux.waitFor("ablated 0.0")
    try tmux.sendKeys(":")
    try tmux.type("open broken.session.json")
    try tmux.sendKeys("Enter")
    // The status bar names the file while the command runs, then shows its error: wait for that.
    let screen = try tmux.waitFor("malformed JSON at line 1")
    XCTAssertTrue(screen.contains("ablated 0.0"), "the current session is untouched:\n\(screen)")
    XCTAssertNil(try Self.exitStatus(tmux), "headlab still runs")
  }

  /// Random keys (seeded), resizes and `:` commands against the real binary, restarted whenever
  /// it quits; no crash, and the terminal restored at the end. HEADLAB_TUI_FUZZ_KEYS sets the
  /// count (CI: 400; the full run: 10000).
  func testRandomKeysNeverCrash() throws {
    let count = Int(ProcessInfo.processInfo.environment["HEADLAB_TUI_FUZZ_KEYS"] ?? "") ?? 400
    let folder = try HeadLabBinary.temporaryDirectory("headlab-fuzz")
    defer { try? FileManager.default.removeItem(at: folder) }
    let tmux = try start(in: folder)
    defer { tmux.kill() }
    var generator = RandomKeys(seed: 20261201)
    var restarts = 0
    for i in 0..<count {
      if let status = try Self.exitStatus(tmux) {
        let screen = try tmux.screen()
        XCTAssertEqual(status, 0, "headlab ended with status \(status) after key \(i):\n\(screen)")
        guard status == 0 else { return }
        XCTAssertEqual(try tmux.terminalModes(), .restored, "a quit after key \(i) left the terminal unrestored")
        try tmux.resize(columns: 100, rows: 30)
        try tmux.respawn()
        try tmux.waitFor("logit_diff", timeout: 120)
        restarts += 1
      }
      switch generator.nextInput() {
      case .keys(let keys):
        try tmux.sendKeys(keys)
        // Only q (or y at the quit question) ends headlab: see whether it did before going on.
        if keys == "q" || keys == "y" { Thread.sleep(forTimeInterval: 0.15) }
      case .text(let text): try tmux.type(text)
      case .resize(let c, let r): try tmux.resize(columns: c, rows: r)
      }
      if i % 50 == 49 { Thread.sleep(forTimeInterval: 0.05) }
    }
    Thread.sleep(forTimeInterval: 0.5)
    if try Self.exitStatus(tmux) == nil {
      try tmux.resize(columns: 100, rows: 30)
      for key in ["Escape", "Escape", "Escape", "q", "y"] { try tmux.sendKeys(key) }
    }
    XCTAssertEqual(try Self.waitForExit(tmux, timeout: 60), 0)
    XCTAssertEqual(try tmux.terminalModes(), .restored)
    print("random keys: \(count) keys, \(restarts) restarts after a quit, no crash")
  }
}

/// A seeded stream of workbench input: single keys (letters, arrows, Tab, Enter, Esc, Ctrl-C,
/// function keys), typed text, `:` commands (files only in the working directory) and resizes.
struct RandomKeys {
  enum Input { case keys(String), text(String), resize(Int, Int) }
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func random(_ n: Int) -> Int {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Int((state >> 33) % UInt64(n))
  }

  static let keys = ["a", "u", "j", "k", "h", "l", "g", "G", "v", "x", "p", "e", "s", "o", "?", ":", "q", "y", "n", "D", "L", "d", "A",
                     "Up", "Down", "Left", "Right", "Tab", "BTab", "Enter", "Escape", "C-c", "BSpace", "PageUp", "PageDown", "Home", "End",
                     "F1", "F5", "DC", "z", "1", " "]
  static let commands = [
    "select 1.2", "view values=yes", "view diff=yes", "view grid=next", "ablate 0.1", "unablate all", "lens", "dla",
    "export out.json", "export out.csv", "save s.session.json", "open s.session.json", "theme mono", "theme light", "theme nosuch",
    "prompt 'When Tom and Ann met, Tom said hi to'", "patch resid_pre", "metric prob", "metric logit_diff", "bogus command",
    "detect induction", "run", "generate 3", "cache c.safetensors sites=blocks.0.attn.hook_pattern", "help patch",
  ]

  mutating func nextInput() -> Input {
    switch random(100) {
    case 0..<80: return .keys(Self.keys[random(Self.keys.count)])
    case 80..<90: return .text(String((0..<random(6)).map { _ in "abc xyz.é?-".randomElement(using: &self)! }))
    case 90..<97: return .text(":" + Self.commands[random(Self.commands.count)] + "\r")
    default:
      let sizes = [(100, 30), (80, 24), (60, 18), (160, 50), (79, 23), (120, 40)]
      let size = sizes[random(sizes.count)]
      return .resize(size.0, size.1)
    }
  }
}

extension RandomKeys: RandomNumberGenerator {
  mutating func next() -> UInt64 {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return state
  }
}
