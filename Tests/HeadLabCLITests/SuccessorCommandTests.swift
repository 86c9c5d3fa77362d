import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import XCTest

/// `headlab successor` on the embedded default model: the readable report and `--json`.
final class SuccessorCommandTests: XCTestCase {
  func testSuccessorPrintsTheReportAndItsJSON() throws {
    let json = try HeadLabBinary.run(["successor", "--count", "8", "--shuffles", "2", "--json"])
    XCTAssertEqual(json.status, 0, json.stderr)
    let results = try AnalysisResult.decodeList(Data(json.stdout.utf8))
    XCTAssertEqual(results.map(\.kind), ["successor.report", "successor.report.scores", "successor.report.scores.per_task", "successor.report.ablation", "successor.report.mod10"])
    for r in results { try r.validate() }
    XCTAssertEqual(results[3].count, 8)
    XCTAssertEqual(results[4].params["shuffles"], .integer(2))
    let text = try HeadLabBinary.run(["successor", "--count", "8", "--shuffles", "2"])
    XCTAssertEqual(text.status, 0, text.stderr)
    for line in ["best head", "mod-10 probe held-out accuracy (leave one decade out)", "meets issue 15"] { XCTAssertTrue(text.stdout.contains(line), "'\(line)' not in:\n\(text.stdout)") }
    let bad = try HeadLabBinary.run(["successor", "--alpha", "0"])
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertTrue(bad.stderr.contains("--alpha"), bad.stderr)
  }
}
