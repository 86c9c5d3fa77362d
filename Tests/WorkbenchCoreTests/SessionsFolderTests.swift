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

  /// Every saved session in Sessions/ replays with --check: each stored result is reproduced within
  /// its kind's tolerance (they were saved by the headlab binary; this process may use other
  /// OpenBLAS kernels).
  func testEverySavedSessionReplaysWithCheck() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sessions").standardized
    let sessions = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.lastPathComponent.hasSuffix(".session.json") }.sorted { $0.path < $1.path }
    XCTAssertGreaterThanOrEqual(sessions.count, 4)
    for file in sessions {
      let session = try SessionFile.read(file)
      let mismatches = try SessionReplay.run(session, check: true)
      XCTAssertTrue(mismatches.isEmpty, "\(file.lastPathComponent):\n" + mismatches.map(\.description).joined(separator: "\n"))
      // Each saved session is its script's commands.
      let script = file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent.replacingOccurrences(of: ".session.json", with: ".headlab"))
      let commands = try CommandScript.parse(try String(contentsOf: script, encoding: .utf8)).map(\.canonicalText)
      XCTAssertEqual(session.history.map(\.command), commands, file.lastPathComponent)
    }
  }
}
