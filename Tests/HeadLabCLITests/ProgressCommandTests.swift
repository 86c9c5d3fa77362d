import Foundation
import XCTest

/// The progress bar: drawn on stderr when it is a terminal (here a pseudo-terminal from
/// util-linux `script`), cleared before the results; nothing at all when stderr is a pipe.
final class ProgressCommandTests: XCTestCase {
  let arguments = ["relevance", "--dataset", "induction", "--count", "16", "--method", "ablation"]

  func testABarOnATerminalAndNoneOnAPipe() throws {
    let piped = try HeadLabBinary.run(arguments)
    XCTAssertEqual(piped.status, 0, piped.stderr)
    XCTAssertEqual(piped.stderr, "", "no progress when stderr is not a terminal")

    let script = URL(fileURLWithPath: "/usr/bin/script")
    guard FileManager.default.isExecutableFile(atPath: script.path) else { throw XCTSkip("util-linux script is not installed") }
    let binary = Bundle.main.bundleURL.appendingPathComponent("headlab").path
    let process = Process()
    process.executableURL = script
    process.arguments = ["-qec", ([binary] + arguments).joined(separator: " "), "/dev/null"]
    let out = Pipe()
    process.standardOutput = out
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let terminal = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, terminal)
    XCTAssertTrue(terminal.contains("\r[          ] 0%\u{1B}[K"), terminal.debugDescription)
    XCTAssertTrue(terminal.contains("% ETA "), terminal.debugDescription)
    let cleared = try XCTUnwrap(terminal.range(of: "\r\u{1B}[K", options: .backwards), "the bar is cleared")
    let table = try XCTUnwrap(terminal.range(of: "relevance.ablation"), terminal.debugDescription)
    XCTAssertLessThan(cleared.lowerBound, table.lowerBound, "cleared before the results print")
  }
}
