import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// The `pathpatch` and `ioi` commands on the embedded model: runs from a batch script, their
/// results' kinds and params, and argument errors that name the value.
final class PathPatchCommandTests: XCTestCase {
  func testPathpatchRunsOnADatasetWithHeadReceivers() throws {
    let workbench = Workbench()
    var outputs: [CommandOutput] = []
    try BatchRunner.run(script: "model default\npathpatch ioi receivers=2.1:q,3.0:k senders=0.*,1.* normalisation=none count=8\n", on: workbench) { outputs.append($1) }
    guard case .results(let results) = outputs.last else { return XCTFail("pathpatch gave no results") }
    let result = try XCTUnwrap(results.first)
    XCTAssertEqual(result.kind, "path.2.1:q,3.0:k")
    XCTAssertEqual(result.params["receivers"], .strings(["2.1:q", "3.0:k"]))
    XCTAssertEqual(result.params["senders"], .strings(["0.0", "0.1", "0.2", "0.3", "1.0", "1.1", "1.2", "1.3"]))
    XCTAssertEqual(result.params["normalisation"], "none")
    XCTAssertNotNil(result.params["dataset"])
    XCTAssertEqual(result.values.missingCount, 8, "layers 2 and 3 are not senders")
    XCTAssertTrue(result.complete)
    XCTAssertEqual(workbench.history.last?.name, "pathpatch")
  }

  func testPathpatchArgumentErrorsNameTheValue() throws {
    let workbench = Workbench()
    let cases: [(String, String)] = [
      ("pathpatch ioi", "receivers="),
      ("pathpatch ioi receivers=2.1:z", "q, k or v"),
      ("pathpatch ioi receivers=0.1:q count=4", "layer 0"),
      ("pathpatch ioi receivers=logits normalisation=half", "half"),
      ("pathpatch ioi receivers=2.1:q senders=3.0 count=4", "3.0"),
      ("pathpatch receivers=logits", "pair"),
    ]
    for (line, message) in cases {
      XCTAssertThrowsError(try workbench.execute(line: line), line) { error in
        XCTAssertTrue("\(error)".contains(message), "\(line): \(error)")
      }
    }
  }

  /// `ioi COUNT SEED` gives the report's six results with the thresholds in their params.
  func testIoiCommandGivesTheReport() throws {
    let workbench = Workbench()
    guard case .results(let results) = try workbench.execute(line: "ioi 8 3") else { return XCTFail("ioi gave no results") }
    XCTAssertEqual(results.map(\.kind), ["ioi.report", "ioi.heads", "ioi.classes", "ioi.circuit", "ioi.completeness", "ioi.minimality"])
    for result in results { XCTAssertNoThrow(try result.validate(), result.kind) }
    XCTAssertNotNil(results[0].params["thresholds"]?["name_mover"])
    XCTAssertEqual(results[0].params["dataset"]?["count"], .integer(8))
    XCTAssertEqual(results[0].params["seed"], .integer(3))
    XCTAssertThrowsError(try workbench.execute(line: "ioi many")) { XCTAssertTrue("\($0)".contains("many"), "\($0)") }
  }
}
