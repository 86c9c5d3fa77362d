import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// The progress an analysis reports counts the units it runs: it ends at its total and never
/// passes it, so the workbench's bar and ETA mean something on dataset-level runs (several
/// blocks of 8 prompts).
final class ProgressAccountingTests: XCTestCase {
  final class Recorder: @unchecked Sendable {
    let lock = NSLock()
    var updates: [(done: Int, total: Int)] = []
    func record(_ done: Int, _ total: Int) { lock.withLock { updates.append((done, total)) } }
  }

  func testDatasetLevelRunsEndAtTheirTotal() throws {
    let workbench = Workbench()
    _ = try runScript("model default\n", on: workbench)
    for line in ["relevance ioi count=20", "relevance ioi method=ablation count=20", "relevance ioi method=patching count=20",
                 "ablate each dataset=ioi count=20 mode=mean", "chg ioi count=4 steps=3",
                 "pathpatch ioi receivers=logits count=20", "pathpatch ioi receivers=3.0:q,3.1:v count=20", "ioi 8",
                 "chg successor negative=ioi count=4 steps=3", "successor count=8 shuffles=2",

                 "trace ioi count=20", "trace ioi method=eap-ig steps=3 count=12", "trace ioi count=12 target=0.8"] {
      let recorder = Recorder()
      let progress = AnalysisProgress { recorder.record($0, $1) }
      _ = try workbench.execute(line: line, progress: progress)
      let last = try XCTUnwrap(recorder.updates.last, line)
      XCTAssertGreaterThan(last.total, 1, line)
      XCTAssertEqual(last.done, last.total, "\(line) ends at its total")
      XCTAssertTrue(recorder.updates.allSatisfy { $0.done <= $0.total }, "\(line) passed its total: \(recorder.updates.suffix(3))")
    }
  }
}
