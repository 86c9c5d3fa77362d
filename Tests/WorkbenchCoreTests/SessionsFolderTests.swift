import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// Every worked investigation in Sessions/ runs green as a batch script on the embedded model, and
/// every result it makes is a valid headlab.result/1 object.
final class SessionsFolderTests: XCTestCase {
  func testEverySessionScriptRuns() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sessions").standardized
    let scripts = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "headlab" }.sorted { $0.path < $1.path }
    XCTAssertGreaterThanOrEqual(scripts.count, 4, "Sessions/ holds the IOI, induction, successor and relevance scripts")
    for script in scripts {
      var results = 0
      try BatchRunner.run(script: try String(contentsOf: script, encoding: .utf8), on: Workbench()) { _, output in
        if case .results(let list) = output {
          for result in list { try result.validate() }
          results += list.count
        }
      }
      XCTAssertGreaterThan(results, 0, script.lastPathComponent)
    }
  }
}
