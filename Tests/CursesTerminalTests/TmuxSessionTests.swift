import HeadLabTestSupport
import XCTest

/// The tmux harness itself, on `cat`: keys in, screen out, resize, exit status, clean-up.
final class TmuxSessionTests: XCTestCase {
  func testDrivesCatThroughAPane() throws {
    let session = try TmuxSession(["cat"], columns: 40, rows: 10)
    defer { session.kill() }
    XCTAssertEqual(try session.value("#{window_width}x#{window_height}"), "40x10")
    try session.type("héllo")
    try session.sendKeys("Enter")
    // The terminal echoes the line as it is typed, then cat writes it back.
    try session.waitForScreen("the echo and cat's copy") { $0.hasPrefix("héllo\nhéllo\n") }
    XCTAssertFalse(session.hasExited)
    try session.resize(columns: 30, rows: 8)
    XCTAssertEqual(try session.value("#{window_width}x#{window_height}"), "30x8")
    XCTAssertEqual(try session.terminalModes(), .restored, "cat leaves the terminal as a shell has it")
    try session.sendKeys("C-d")
    try session.waitForExit()
    XCTAssertEqual(session.exitStatus, 0)
    XCTAssertNil(session.exitSignal)
    XCTAssertTrue(session.serverIsRunning)
    session.kill()
    XCTAssertFalse(session.serverIsRunning)
  }

  func testReportsTheSignalThatEndedTheCommand() throws {
    let session = try TmuxSession(["sleep", "30"], columns: 20, rows: 5)
    defer { session.kill() }
    try session.signal(SIGTERM)
    try session.waitForExit()
    XCTAssertEqual(session.exitSignal, SIGTERM)
    XCTAssertNil(session.exitStatus)
  }

  func testTimeoutsShowTheScreen() throws {
    let session = try TmuxSession(["cat"], columns: 20, rows: 5)
    defer { session.kill() }
    try session.type("abc")
    XCTAssertThrowsError(try session.waitFor("xyz", timeout: 0.3)) { error in
      XCTAssertTrue("\(error)".contains("waiting for \"xyz\"") && "\(error)".contains("abc"), "\(error)")
    }
  }
}
