import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// A session saved after a sequence of commands replays with --check to its stored numbers; a
/// changed number fails the check with a diff naming the command and the cell.
final class SessionReplayTests: XCTestCase {
  func testSavedSessionReplaysAndAChangedNumberIsCaught() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-replay-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("ioi.session.json")
    let workbench = Workbench()
    try BatchRunner.run(script: """
      pair clean="When Mary and John went to the store, John gave a drink to" corrupted="When Mary and John went to the store, Mary gave a drink to"
      answer " Mary" " John"
      patch attn_head_out_all_pos normalise=yes
      prompt "When Mary and John went to the store, John gave a drink to"
      lens top=3
      save \(file.path)
      """, on: workbench) { _, _ in }
    let session = try SessionFile.read(file)
    XCTAssertEqual(session.history.map(\.name), ["pair", "answer", "patch", "prompt", "lens"], "save and help are not part of the history")
    XCTAssertEqual(session.inputs.answer, " Mary")
    XCTAssertTrue(try SessionReplay.run(session, check: true).isEmpty)

    var changed = session
    changed.history[2].results[0].values[2, 1] = .number(0.5)
    let mismatches = try SessionReplay.run(changed, check: true)
    XCTAssertEqual(mismatches.count, 1)
    let text = "\(mismatches[0])"
    XCTAssertTrue(text.contains("history[2] patch attn_head_out_all_pos normalise=yes"), text)
    XCTAssertTrue(text.contains("[layer=2 head=1]: stored 0.5"), text)

    var tokens = session
    tokens.history[4].results[1].values[0, 0] = .token(" nonsense")
    XCTAssertTrue("\(try SessionReplay.run(tokens, check: true))".contains("lens.topk"), "token cells compare exactly")

    var otherModel = session
    otherModel.model.sha256 = String(repeating: "0", count: 64)
    XCTAssertThrowsError(try SessionReplay.run(otherModel, check: true)) { XCTAssertTrue("\($0)".contains("has changed") && "\($0)".contains("SHA-256"), "\($0)") }
  }
}
