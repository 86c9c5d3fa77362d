import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// The `chg` command (causal head gating, Nam et al. 2025): a run from a batch script on the
/// embedded model, its argument errors, and the decision rule `--check` applies to its gates.
final class CHGCommandTests: XCTestCase {
  func testChgRunsFromABatchScript() throws {
    let workbench = Workbench()
    var outputs: [CommandOutput] = []
    try BatchRunner.run(script: "model default\nchg ioi count=8 restarts=2 steps=3 lr=0.5 lambda=0.2 seed=4\n", on: workbench) { outputs.append($1) }
    guard case .results(let results) = outputs.last else { return XCTFail("chg gave no results") }
    XCTAssertEqual(results.map(\.kind), ["chg.scores", "chg.gates", "chg.gates.restarts", "chg.labels", "chg.loss", "chg.validation"])
    let scores = results[0]
    XCTAssertEqual(scores.shape, [3, 4, 4])
    XCTAssertEqual(scores.params["restarts"], .integer(2))
    XCTAssertEqual(scores.params["steps_per_stage"], .integer(3))
    XCTAssertEqual(scores.params["learning_rate"], .number(0.5))
    XCTAssertEqual(scores.params["lambda"], .number(0.2))
    XCTAssertNotNil(scores.params["dataset"])
    XCTAssertEqual(try XCTUnwrap(scores.stderr).shape, [3, 4, 4], "two restarts give a spread")
    // The three scores of a head sum to 1 (facilitation + interference + irrelevance).
    for l in 0..<4 {
      for h in 0..<4 {
        let sum = try (0..<3).map { try XCTUnwrap(scores.values[$0, l, h].number) }.reduce(0, +)
        XCTAssertEqual(sum, 1, accuracy: 1e-12, "head \(l).\(h)")
      }
    }
    XCTAssertEqual(results[4].shape, [3, 3, 2], "loss [stage, step, restart]")
    XCTAssertEqual(results[5].metric?.name, "logit_diff")
    XCTAssertEqual(workbench.history.last?.name, "chg")
  }

  /// `negative=DATASET` fits contrastive CHG with the official trainer's defaults (lr 0.1 decaying
  /// to 0.01, max difference 5) unless the line sets them.
  func testChgWithANegativeDatasetIsContrastive() throws {
    let workbench = Workbench()
    var outputs: [CommandOutput] = []
    try BatchRunner.run(script: "model default\nchg successor negative=ioi count=4 restarts=2 steps=3 maxdiff=2\n", on: workbench) { outputs.append($1) }
    guard case .results(let results) = outputs.last else { return XCTFail("chg gave no results") }
    XCTAssertEqual(results.map(\.kind), ["chg.contrastive.gates", "chg.contrastive.gates.restarts", "chg.contrastive.labels", "chg.loss", "chg.contrastive.validation"])
    let gates = results[0]
    XCTAssertEqual(gates.shape, [4, 4])
    XCTAssertEqual(gates.params["learning_rate"], .number(0.1))
    XCTAssertEqual(gates.params["learning_rate_end"], .number(0.01))
    XCTAssertEqual(gates.params["max_difference"], .number(2.0))
    XCTAssertEqual(gates.params["pairs_used"], .integer(4))
    XCTAssertNotNil(gates.params["negative_dataset"])
    XCTAssertEqual(results[3].shape, [1, 3, 2], "loss [stage, step, restart]")
    XCTAssertEqual(results[4].shape, [2, 3, 2], "validation [set, variant, measure]")
    XCTAssertThrowsError(try workbench.execute(line: "chg ioi maxdiff=2")) { XCTAssertTrue("\($0)".contains("negative=DATASET"), "\($0)") }
    XCTAssertThrowsError(try workbench.execute(line: "chg ioi negative=nonsense")) { XCTAssertTrue("\($0)".contains("nonsense"), "\($0)") }
  }

  func testChgArgumentErrorsNameTheValue() throws {
    let workbench = Workbench()
    let cases: [(String, String, Int?)] = [
      ("chg", "takes 1 value", nil),
      ("chg nonsense", "nonsense", nil),
      ("chg ioi lr=fast", "not a number", 12),
      ("chg ioi lr=0", "must be positive", 12),
      ("chg ioi lambda=-0.1", ">= 0", 16),
      ("chg ioi restarts=0", "out of range", 18),
      ("chg ioi steps=many", "not an integer", 15),
      ("chg ioi lamda=0.1", "did you mean 'lambda'", 9),
    ]
    for (line, message, column) in cases {
      XCTAssertThrowsError(try workbench.execute(line: line), line) { error in
        XCTAssertTrue("\(error)".contains(message), "\(line): \(error)")
        if let column { XCTAssertEqual((error as? CommandParseError)?.column, column, "\(line): \(error)") }
      }
    }
  }

  /// Gates and scores are compared by the side of 0.5 they fall on once a workbench exists.
  func testGatesAndScoresHaveADecisionRule() {
    _ = Workbench()
    for kind in ["chg.gates", "chg.gates.restarts", "chg.scores"] {
      XCTAssertEqual(CheckTolerance.forKind(kind), .decision(threshold: 0.5, margin: 0.05), kind)
    }
    XCTAssertEqual(CheckTolerance.forKind("chg.gates").verdict(stored: 0.999, recomputed: 0.9), .same)
    XCTAssertEqual(CheckTolerance.forKind("chg.scores").verdict(stored: 0.9, recomputed: 0.1), .mismatch)
    XCTAssertEqual(CheckTolerance.forKind("chg.validation"), .continuous)
  }
}
