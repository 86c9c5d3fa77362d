import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// `open FILE [model=NAME]` replaces the workbench's state with a saved session's, refuses a
/// missing or changed model with the way to continue, and never half-opens a session.
final class OpenCommandTests: XCTestCase {
  /// What a test compares to tell that a workbench was left alone.
  func state(_ w: Workbench) -> [String] {
    [w.history.map(\.command).joined(separator: "|"), "\(w.prompt ?? [])", w.interventions.ablations.map(\.description).joined(separator: ","),
     w.lastResults.map(\.kind).joined(separator: ","), w.model?.reference ?? "none"]
  }

  func testOpenReplacesTheStateAndAFailedOpenChangesNothing() throws {
    let reference = try WorkbenchReference.load()
    let directory = try temporaryDirectory("open")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("ioi.session.json")
    _ = try runScript(reference.setup + "ablate 2.0,2.1\nrun top=3\nsave \(file.path)\n", on: Workbench())
    let session = try SessionFile.read(file)

    let workbench = Workbench()
    _ = try runScript("model default\nprompt \"Once upon a time\"\nanswer \" Mary\" \" John\"\nablate 1.1\ndla\n", on: workbench)
    let before = state(workbench)
    func assertUntouched(_ line: String, mentions words: [String], _ at: UInt = #line) {
      XCTAssertThrowsError(try workbench.execute(line: line), line, line: at) { error in
        for word in words { XCTAssertTrue("\(error)".contains(word), "\(line): \(error)", line: at) }
      }
      XCTAssertEqual(state(workbench), before, "\(line) left the workbench untouched", line: at)
    }
    assertUntouched("open \(directory.appendingPathComponent("none.json").path)", mentions: ["cannot read the session"])

    var changed = session
    changed.model.sha256 = String(repeating: "0", count: 64)
    let changedFile = directory.appendingPathComponent("changed.session.json")
    try SessionFile.save(changed, to: changedFile)
    assertUntouched("open \(changedFile.path)", mentions: ["has changed", "SHA-256", "open \(changedFile.path) model=NAME", "will differ"])

    var missing = session
    missing.model = SessionModelReference(reference: directory.appendingPathComponent("gone").path, directory: directory.appendingPathComponent("gone").path, sha256: session.model.sha256)
    let missingFile = directory.appendingPathComponent("missing.session.json")
    try SessionFile.save(missing, to: missingFile)
    assertUntouched("open \(missingFile.path)", mentions: ["is missing", "model=NAME"])

    var failing = session
    failing.history[3].command = "ablate 2.0,2.1 mode=mean reference=nonesuch"
    let failingFile = directory.appendingPathComponent("failing.session.json")
    try SessionFile.save(failing, to: failingFile)
    assertUntouched("open \(failingFile.path)", mentions: ["line 4", "nonesuch"])

    guard case .message(let opened) = try workbench.execute(line: "open \(file.path)") else { return XCTFail("open gave results") }
    XCTAssertTrue(opened.contains("model default") && opened.contains("ablated: 2.0 zero, 2.1 zero"), opened)
    XCTAssertEqual(workbench.history, session.history, "the stored history")
    XCTAssertEqual(workbench.interventions, session.interventions)
    XCTAssertEqual(workbench.prompt, reference.tokens)
    XCTAssertEqual(workbench.lastResults.map(\.kind), ["forward.topk", "forward.topk_logits", "forward.metric"])
    XCTAssertEqual(try XCTUnwrap(workbench.lastResults[2].values.cells[0].number), reference.run.logit_diff_ablated, accuracy: reference.tolerance)
    XCTAssertEqual(try workbench.session().history, session.history, "saving again keeps the session")

    // With model= the session re-runs on that model even though its checksum differs.
    let other = Workbench()
    guard case .message(let rerun) = try other.execute(line: "open \(changedFile.path) model=default") else { return XCTFail("open gave results") }
    XCTAssertTrue(rerun.contains("instead of the session's") && rerun.contains("differ"), rerun)
    XCTAssertEqual(other.history.map(\.command), session.history.map(\.command).map { $0.hasPrefix("model ") ? "model default" : $0 })
    XCTAssertEqual(other.interventions, session.interventions)
    XCTAssertEqual(other.history.last?.results.count, 3)
  }
}
