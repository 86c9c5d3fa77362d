import Foundation
import HeadLabTestSupport
import XCTest

/// The real terminal driver end to end: `TerminalProbe` runs in a tmux pane (this test binary,
/// started again with a filter naming only the probe) and these tests type at it and read its screen.
final class NCursesTerminalInTmuxTests: XCTestCase {
  private let restored = TmuxSession.TerminalModes.restored

  /// Starts the probe under `sh`, which reports how it ended ("probe exit STATUS": 128+signal when
  /// a signal killed it) and then keeps the pane alive, so the terminal modes the probe left behind
  /// can be read. Waits for the probe's first frame.
  private func startProbe(columns: Int = 60, rows: Int = 15, terminalType: String = "tmux-256color",
                          environment: [String: String] = [:], waitForFrame: Bool = true) throws -> TmuxSession {
    #if !os(Linux)
      throw XCTSkip("the probe re-runs the test binary through /proc/self/exe (Linux)")
    #else
      let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
      var variables = [TerminalProbe.environmentSwitch: "1", "SWIFT_BACKTRACE": "enable=no"]
      variables.merge(environment) { $1 }
      let script = #""$0" CursesTerminalTests.TerminalProbe/testProbeInsidePane; echo "probe exit $?"; sleep 600"#
      let session = try TmuxSession(["sh", "-c", script, testBinary],
                                    columns: columns, rows: rows, terminalType: terminalType, environment: variables)
      do {
        if waitForFrame { try session.waitFor("probe \(columns)x\(rows)", timeout: 30) }
      } catch {
        session.kill()
        throw error
      }
      return session
    #endif
  }

  /// The probe's process id, from its first line.
  private func probeProcess(_ session: TmuxSession) throws -> pid_t {
    let line = try session.screen().split(separator: "\n").first ?? ""
    guard let pid = line.split(separator: " ").last.flatMap({ pid_t($0) }) else { throw TmuxError("no pid in \(line)") }
    return pid
  }

  /// Waits for the probe to end; returns its exit status as the shell saw it.
  private func probeExit(_ session: TmuxSession) throws -> Int {
    let screen = try session.waitFor("probe exit ")
    let tail = screen.components(separatedBy: "probe exit ").last ?? ""
    guard let status = Int(tail.prefix { $0.isNumber }) else { throw TmuxError("no exit status in\n\(screen)") }
    return status
  }

  func testKeysClicksAndResizesArriveAsEvents() throws {
    let session = try startProbe()
    defer { session.kill() }
    let screen = try session.screen()
    XCTAssertTrue(screen.contains("blocks ▀▄█ é wide ?"), "half blocks and accents draw, a double-width character is a ?:\n\(screen)")
    XCTAssertEqual(try session.terminalModes().alternateScreen, true)
    XCTAssertEqual(try session.terminalModes().cursorVisible, false)
    XCTAssertEqual(screen.split(separator: "\n", omittingEmptySubsequences: false)[14].last, "#", "bottom-right cell")

    var count = 0
    func expect(_ description: String, after send: () throws -> Void) throws {
      try send()
      count += 1
      try session.waitFor("events \(count) last \(description)", timeout: 5)
    }
    try expect("key a U+61") { try session.type("a") }
    try expect("key ctrl-c") { try session.sendKeys("C-c") }
    try expect("key é U+E9") { try session.type("é") }
    try expect("key 語 U+8A9E".replacingOccurrences(of: "語", with: "?")) { try session.type("語") }
    for (tmuxKey, description) in [
      ("Up", "up"), ("Down", "down"), ("Left", "left"), ("Right", "right"), ("Tab", "tab"), ("BTab", "backTab"),
      ("Home", "home"), ("End", "end"), ("PPage", "pageUp"), ("NPage", "pageDown"), ("F5", "F5"), ("F12", "F12"),
      ("BSpace", "backspace"), ("C-h", "backspace"), ("DC", "delete"), ("Enter", "enter"), ("Escape", "escape"),
    ] {
      try expect("key \(description)") { try session.sendKeys(tmuxKey) }
    }
    // An X10 mouse report, button 1 pressed at column 5, row 3: ESC [ M, then 32+button, 33+column, 33+row.
    try expect("click 5,3") { try session.sendBytes([0x1B, 0x5B, 0x4D, 32, 33 + 5, 33 + 3]) }
    try expect("resize 50x12") { try session.resize(columns: 50, rows: 12) }
    try session.waitFor("probe 50x12")
    try expect("resize 70x20") { try session.resize(columns: 70, rows: 20) }
    try session.waitFor("probe 70x20")

    try session.type("q")
    XCTAssertEqual(try probeExit(session), 0)
    XCTAssertEqual(try session.terminalModes(), restored)
    XCTAssertTrue(try session.screenWithHistory().contains("probe finished after \(count + 1) events"))
  }

  /// The number after "drawn " on the probe's screen.
  private func cellsDrawn(_ screen: String) -> Int? {
    screen.split(separator: "\n").first { $0.hasPrefix("drawn ") }.flatMap { Int($0.dropFirst(6)) }
  }

  func testOnlyChangedCellsAreSent() throws {
    let session = try startProbe(columns: 60, rows: 15)
    defer { session.kill() }
    try session.type("x")
    try session.waitFor("events 1 last key x")
    try session.type("y")
    // Frame 3 reports frame 2, which changed only "1 last key x U+78" on the events line (and the
    // number after "drawn").
    let afterKey = try session.waitFor("events 2 last key y")
    let changed = try XCTUnwrap(cellsDrawn(afterKey), afterKey)
    XCTAssertLessThan(changed, 30, "a key redraws a few cells, not the 900 of the screen:\n\(afterKey)")
    try session.resize(columns: 40, rows: 10)
    try session.waitFor("events 3 last resize 40x10")
    try session.type("z")
    let afterResize = try session.waitFor("events 4 last key z")
    XCTAssertEqual(cellsDrawn(afterResize), 400, "the frame after a resize redraws every cell:\n\(afterResize)")
  }

  func testWaitingForAnEventTimesOut() throws {
    let session = try startProbe()
    defer { session.kill() }
    try session.type("t")
    let screen = try session.waitFor("then nothing")
    let line = screen.split(separator: "\n").first { $0.contains("waited") }.map(String.init) ?? ""
    let milliseconds = try XCTUnwrap(Int(line.components(separatedBy: "waited ").last?.prefix { $0.isNumber } ?? ""), line)
    XCTAssertTrue(line.contains("ms for nothing, then nothing"), line)
    XCTAssertGreaterThanOrEqual(milliseconds, 290, line)
    XCTAssertLessThan(milliseconds, 2000, line)
  }

  func testUnknownTerminalTypeIsAnErrorNotACrash() throws {
    let session = try startProbe(terminalType: "no-such-terminal", waitForFrame: false)
    defer { session.kill() }
    XCTAssertEqual(try probeExit(session), 1, "the test fails with an error, the process does not die")
    let text = try session.screenWithHistory()
    XCTAssertTrue(text.contains("ncurses cannot start on TERM=no-such-terminal"), text)
    XCTAssertEqual(try session.terminalModes(), restored)
  }

  func testTerminationSignalsRestoreTheTerminal() throws {
    for signal in [SIGTERM, SIGINT, SIGHUP] {
      let session = try startProbe()
      defer { session.kill() }
      XCTAssertTrue(try session.terminalModes().alternateScreen)
      XCTAssertEqual(kill(try probeProcess(session), signal), 0)
      XCTAssertEqual(try probeExit(session), 128 + Int(signal), "the probe dies of signal \(signal) itself")
      XCTAssertEqual(try session.terminalModes(), restored, "after signal \(signal)")
    }
  }

  func testFatalErrorRestoresTheTerminalAndShowsTheMessage() throws {
    let session = try startProbe()
    defer { session.kill() }
    try session.type("!")
    let status = try probeExit(session)
    XCTAssertTrue([128 + Int(SIGILL), 128 + Int(SIGTRAP)].contains(status), "a Swift fatal error traps: \(status)")
    XCTAssertEqual(try session.terminalModes(), restored)
    let text = try session.screenWithHistory()
    XCTAssertTrue(text.contains("probe crash on request"), "the fatal-error message, held while the screen was up, is shown after it:\n\(text)")
  }

  func testStandardErrorIsHeldUntilTheScreenIsGone() throws {
    let session = try startProbe()
    defer { session.kill() }
    try session.type("e")
    try session.waitFor("events 1 last key e")
    XCTAssertFalse(try session.screenWithHistory().contains("probe wrote this"), "nothing scribbles over the screen")
    try session.type("q")
    XCTAssertEqual(try probeExit(session), 0)
    XCTAssertTrue(try session.screenWithHistory().contains("probe wrote this to standard error"))
  }

  /// The heat row "heat 0123456" as tmux stores it, with SGR sequences (capture-pane -e).
  private func styledHeatRow(_ session: TmuxSession) throws -> String {
    try session.styledScreen().split(separator: "\n").first { $0.contains("heat") }.map(String.init) ?? ""
  }

  func testColoursFollowTheTerminalAndNoColor() throws {
    let full = try startProbe()
    defer { full.kill() }
    XCTAssertTrue(try full.screen().contains("colors 256"))
    let fullRow = try styledHeatRow(full)
    XCTAssertTrue(fullRow.contains("48;5;124"), "dark theme heat3 is background 124 on a 256-colour terminal: \(fullRow.debugDescription)")

    let basic = try startProbe(terminalType: "screen")
    defer { basic.kill() }
    XCTAssertTrue(try basic.screen().contains("colors 8"))
    let basicRow = try styledHeatRow(basic)
    XCTAssertFalse(basicRow.contains("48;5;"), "no 256-colour codes on an 8-colour terminal: \(basicRow.debugDescription)")
    XCTAssertTrue(basicRow.contains("41m") || basicRow.contains(";41"), "heat is drawn on basic red: \(basicRow.debugDescription)")

    let plain = try startProbe(environment: ["NO_COLOR": "1"])
    defer { plain.kill() }
    XCTAssertTrue(try plain.screen().contains("colors 0"))
    let plainRow = try styledHeatRow(plain)
    XCTAssertFalse(plainRow.contains("38;5;") || plainRow.contains("48;5;") || plainRow.contains("4" + "1m"),
                   "NO_COLOR draws no colours: \(plainRow.debugDescription)")
    XCTAssertTrue(plainRow.contains("\u{1B}[1m") || plainRow.contains(";1m") || plainRow.contains("[1;"),
                  "the theme's attributes remain (heat6 is bold): \(plainRow.debugDescription)")
  }
}
