import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// `batch --out DIR`: one file per result-producing command, numbered in order, readable back.
final class ResultFolderTests: XCTestCase {
  func testEachCommandsResultsGoToTheirOwnNumberedFile() throws {
    let folder = try temporaryDirectory("out")
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = try ResultFolder(path: folder.appendingPathComponent("results").path)
    let workbench = Workbench()
    try BatchRunner.run(script: WorkbenchTests.setup + "\nlens top=2\ndla\nhelp\n", on: workbench) { _, output in
      if case .results(let results) = output { try out.write(results) }
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: out.url.path).sorted()
    XCTAssertEqual(names, ["001-lens.json", "002-dla.json"])
    let lens = try AnalysisResult.decodeList(Data(contentsOf: out.url.appendingPathComponent("001-lens.json")))
    XCTAssertEqual(lens.map(\.kind), ["lens", "lens.topk", "lens.topk_prob"])
    let file = folder.appendingPathComponent("plain")
    try Data().write(to: file)
    XCTAssertThrowsError(try ResultFolder(path: file.path)) { XCTAssertTrue("\($0)".contains("is a file, not a folder"), "\($0)") }
  }
}
