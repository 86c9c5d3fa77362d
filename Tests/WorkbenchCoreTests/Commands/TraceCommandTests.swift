import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// The `trace` command (edge attribution patching, EAP / EAP-IG): runs from a batch script on the
/// embedded model, its argument errors, bad datasets, and cancellation.
final class TraceCommandTests: XCTestCase {
  func testTraceRunsFromABatchScript() throws {
    let workbench = Workbench()
    let outputs = try runScript("model default\ntrace ioi count=10 keep=12 seed=3\ntrace ioi method=eap-ig steps=2 split=yes count=4 threshold=0.05\n", on: workbench)
    let eap = try XCTUnwrap(try lastResults(Array(outputs.prefix(2)), of: "trace").first)
    XCTAssertEqual(eap.kind, "trace.eap")
    XCTAssertEqual(eap.axes, [])
    XCTAssertNoThrow(try eap.validate())
    let faithfulness = try XCTUnwrap(eap.values.cells.first?.number)
    XCTAssert(faithfulness.isFinite)
    let graph = try CircuitGraph(json: try XCTUnwrap(eap.graph))
    XCTAssertEqual(graph.edges.count, 12)
    XCTAssertEqual(graph.method, "eap")
    XCTAssertFalse(graph.splitQKV)
    XCTAssert(graph.edges.allSatisfy { $0.score != nil }, "every kept edge carries its score")
    XCTAssertEqual(eap.params["kept_edges"], .integer(12))
    XCTAssertEqual(eap.params["method"], "eap")
    XCTAssertEqual(eap.params["reference"], "ioi corrupted prompts")
    XCTAssertNotNil(eap.params["dataset"])
    XCTAssertEqual(eap.params["faithfulness"]?["value"], .number(faithfulness))
    // The kept edges are the largest by |score|: no dropped edge beats the smallest kept one.
    XCTAssertEqual(eap.params["total_edges"], .integer(CircuitGraph.full(layers: 4, heads: 4).edges.count))

    let ig = try XCTUnwrap(try lastResults(outputs, of: "trace").first)
    XCTAssertEqual(ig.kind, "trace.eap-ig")
    XCTAssertEqual(ig.params["steps"], .integer(2))
    XCTAssertEqual(ig.params["split_qkv"], .bool(true))
    let igGraph = try CircuitGraph(json: try XCTUnwrap(ig.graph))
    XCTAssert(igGraph.splitQKV)
    XCTAssert(igGraph.edges.allSatisfy { abs($0.score!) >= 0.05 }, "threshold=0.05 keeps |score| >= 0.05 only")
    XCTAssertEqual(workbench.history.last?.name, "trace")
  }

  /// A circuit that keeps nothing reports the empty circuit's metric: faithfulness 0.
  func testKeepingNothingReportsTheEmptyCircuit() throws {
    let workbench = Workbench()
    let outputs = try runScript("model default\ntrace ioi count=4 keep=0\n", on: workbench)
    let result = try XCTUnwrap(try lastResults(outputs, of: "trace").first)
    XCTAssertEqual(result.values.cells.first?.number, 0)
    XCTAssertEqual(result.params["kept_edges"], .integer(0))
    XCTAssertEqual(result.params["faithfulness"]?["metric_circuit"], result.params["faithfulness"]?["metric_empty"])
  }

  func testTraceArgumentErrorsNameTheValue() throws {
    let workbench = Workbench()
    _ = try runScript("model default\n", on: workbench)
    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-empty-\(UUID().uuidString).jsonl")
    try Data().write(to: empty)
    defer { try? FileManager.default.removeItem(at: empty) }
    let cases: [(String, String)] = [
      ("trace", "takes 1 value"),
      ("trace ioi method=acdcc", "unknown tracing method"),
      ("trace ioi threshold=-0.1", ">= 0"),
      ("trace ioi threshold=big", "not a number"),
      ("trace ioi keep=-1", "out of range"),
      ("trace ioi steps=0", "out of range"),
      ("trace ioi target=1.5", "(0, 1]"),
      ("trace ioi target=0.8 keep=3", "not both"),
      ("trace ioi split=maybe", "not a boolean"),
      ("trace nonsense", "nonsense"),
      ("trace \(empty.path)", "no prompt pairs"),
    ]
    for (line, message) in cases {
      XCTAssertThrowsError(try workbench.execute(line: line), line) { error in
        XCTAssertTrue("\(error)".contains(message), "\(line): \(error)")
      }
    }
  }

  func testCancellingStopsTheTrace() throws {
    let workbench = Workbench()
    _ = try runScript("model default\n", on: workbench)
    final class Holder: @unchecked Sendable { weak var progress: AnalysisProgress? }
    let holder = Holder()
    let progress = AnalysisProgress { done, _ in if done == 1 { holder.progress?.cancel() } }
    holder.progress = progress
    XCTAssertThrowsError(try workbench.execute(line: "trace ioi count=24 method=eap-ig steps=2", progress: progress)) { error in
      XCTAssertTrue("\(error)".contains("cancelled after 1 of"), "\(error)")
    }
    XCTAssertNotEqual(workbench.history.last?.name, "trace", "a cancelled trace is not recorded")
  }
}
