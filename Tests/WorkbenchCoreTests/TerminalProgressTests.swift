import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// The progress line drawn on a terminal's stderr.
final class TerminalProgressTests: XCTestCase {
  func testTheLineShowsTheBarThePercentageAndTheTimeLeft() {
    XCTAssertEqual(TerminalProgress.line(done: 45, total: 100, elapsedSeconds: 2.5), "\r[#####     ] 45% ETA 4s")
    XCTAssertEqual(TerminalProgress.line(done: 0, total: 16, elapsedSeconds: 0), "\r[          ] 0%", "no time left before the first unit")
    XCTAssertEqual(TerminalProgress.line(done: 4, total: 16, elapsedSeconds: 30), "\r[###       ] 25% ETA 1m30s")
    XCTAssertEqual(TerminalProgress.line(done: 1, total: 3, elapsedSeconds: 1800), "\r[###       ] 33% ETA 1h00m")
    XCTAssertEqual(TerminalProgress.line(done: 16, total: 16, elapsedSeconds: 9), "\r[##########] 100%", "no ETA when done")
    XCTAssertEqual(TerminalProgress.line(done: 3, total: 0, elapsedSeconds: 1), "\r[          ] 0%", "a run of no units")
    XCTAssertEqual(TerminalProgress.line(done: 1, total: 4, elapsedSeconds: 1, width: 4), "\r[#   ] 25% ETA 3s")
  }

  func testDurations() {
    XCTAssertEqual(TerminalProgress.duration(0), "0s")
    XCTAssertEqual(TerminalProgress.duration(2.1), "3s", "rounded up: never promise less than is left")
    XCTAssertEqual(TerminalProgress.duration(59.5), "1m00s")
    XCTAssertEqual(TerminalProgress.duration(3599), "59m59s")
    XCTAssertEqual(TerminalProgress.duration(7325), "2h02m")
  }

  /// An analysis reporting to the bar redraws it in place, once per change, and `finish` clears it.
  func testAnAnalysisDrawsAndFinishClears() {
    final class Buffer: @unchecked Sendable {
      let lock = NSLock()
      var writes: [String] = []
      func append(_ s: String) { lock.withLock { writes.append(s) } }
    }
    let buffer = Buffer()
    let bar = TerminalProgress { buffer.append($0) }
    bar.progress.start(total: 2)
    bar.progress.advance()
    bar.progress.advance()
    bar.finish()
    bar.finish()
    XCTAssertEqual(buffer.writes.count, 4, "\(buffer.writes)")
    XCTAssertEqual(buffer.writes.first, "\r[          ] 0%\u{1B}[K")
    XCTAssertTrue(buffer.writes[1].hasPrefix("\r[#####     ] 50% ETA "), buffer.writes[1])
    XCTAssertEqual(buffer.writes[2], "\r[##########] 100%\u{1B}[K")
    XCTAssertEqual(buffer.writes.last, "\r\u{1B}[K", "the line is cleared once")
  }
}
