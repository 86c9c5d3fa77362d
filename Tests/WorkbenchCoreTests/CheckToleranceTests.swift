import CircuitAnalysis
import WorkbenchCore
import XCTest

/// `--check`'s tolerance table: continuous kinds compare numbers; a kind registered with a
/// decision threshold reports a flip across the threshold as borderline when both values lie
/// within its margin of it, and as a mismatch otherwise.
final class CheckToleranceTests: XCTestCase {
  /// A synthetic discontinuous kind: a label decided at 0.5, borderline within 0.01.
  static let kind = "test.synthetic_label"

  override func setUp() { CheckTolerance.register(.decision(threshold: 0.5, margin: 0.01), forKind: Self.kind) }
  override func tearDown() { CheckTolerance.unregister(kind: Self.kind) }

  func labels(_ values: [Double], kind: String = kind) -> AnalysisResult {
    AnalysisResult(kind: kind, axes: [.indexed("gate", count: values.count)], values: ResultGrid(shape: [values.count], numbers: values),
                   params: [:], model: ModelIdentity(name: "synthetic", sha256: String(repeating: "a", count: 64)))
  }

  func testTheTableFindsAKindAndItsFamily() {
    XCTAssertEqual(CheckTolerance.forKind(Self.kind).threshold, 0.5)
    XCTAssertEqual(CheckTolerance.forKind(Self.kind + ".layer0").threshold, 0.5, "a registered kind covers the kinds below it")
    XCTAssertEqual(CheckTolerance.forKind("test"), .continuous)
    XCTAssertEqual(CheckTolerance.forKind("patch.resid_pre"), .continuous)
  }

  func testVerdicts() {
    let rule = CheckTolerance.forKind(Self.kind)
    XCTAssertEqual(rule.verdict(stored: 0.2, recomputed: 0.45), .same, "same side: the label agrees whatever the values")
    XCTAssertEqual(rule.verdict(stored: 0.495, recomputed: 0.505), .borderline)
    XCTAssertEqual(rule.verdict(stored: 0.5, recomputed: 0.4999), .borderline, "the threshold itself counts as above")
    XCTAssertEqual(rule.verdict(stored: 0.495, recomputed: 0.52), .mismatch, "the recomputed value is beyond the margin")
    XCTAssertEqual(rule.verdict(stored: 0.45, recomputed: 0.505), .mismatch, "the stored value is beyond the margin")
    XCTAssertEqual(rule.verdict(stored: 0.1, recomputed: 0.9), .mismatch)
    let continuous = CheckTolerance.continuous
    XCTAssertEqual(continuous.verdict(stored: 100, recomputed: 100 + 1e-5 + 1e-3 * 0.99), .same)
    XCTAssertEqual(continuous.verdict(stored: 0.495, recomputed: 0.505), .mismatch, "continuous kinds have no borderline")
  }

  /// A borderline cell is listed, not a difference; a real flip is a difference naming the cell.
  func testComparisonListsBorderlineCellsApart() {
    let stored = labels([0.2, 0.495, 0.9, 0.7])
    let report = ResultComparison.compare(stored: stored, recomputed: labels([0.3, 0.503, 0.9, 0.3]))
    XCTAssertEqual(report.differences.count, 1, "\(report)")
    XCTAssertTrue(report.differences.first?.contains("test.synthetic_label [gate=3]: stored 0.7") ?? false, "\(report)")
    XCTAssertEqual(report.borderline.count, 1, "\(report)")
    XCTAssertTrue(report.borderline.first?.contains("[gate=1]") ?? false, "\(report)")
    XCTAssertTrue(report.borderline.first?.contains("threshold 0.5") ?? false, "\(report)")

    let green = ResultComparison.compare(stored: stored, recomputed: labels([0.2, 0.505, 0.9, 0.7]))
    XCTAssertEqual(green.differences, [])
    XCTAssertEqual(green.borderline.count, 1)
  }

  /// A session record whose stored result has a borderline cell: `SessionReplay.compare` reports
  /// it as borderline and finds no mismatch (what `--check` turns into exit 0 and a listed cell).
  func testAReplayedRecordWithABorderlineCellIsNotAMismatch() {
    let record = SessionCommandRecord(command: "synthetic", name: "synthetic", results: [labels([0.4995, 0.1])])
    let report = SessionReplay.compare(record, .results([labels([0.5004, 0.1])]))
    XCTAssertEqual(report.differences, [])
    XCTAssertEqual(report.borderline.count, 1)
    let unregistered = labels([0.4995, 0.1], kind: "test.continuous_label")
    let strict = SessionReplay.compare(SessionCommandRecord(command: "synthetic", name: "synthetic", results: [unregistered]),
                                       .results([labels([0.5004, 0.1], kind: "test.continuous_label")]))
    XCTAssertEqual(strict.differences.count, 1, "without a registered threshold the same flip is a mismatch")
  }

  /// A trajectory kind's values are not compared, its shape is; a circuit's edges are compared
  /// whatever the kind's values.
  func testTrajectoriesAndCircuits() {
    let kind = "test.trajectory"
    CheckTolerance.register(.trajectory, forKind: kind)
    defer { CheckTolerance.unregister(kind: kind) }
    XCTAssertEqual(ResultComparison.differences(stored: labels([0.1, 0.2], kind: kind), recomputed: labels([0.9, -3], kind: kind)), [])
    XCTAssertFalse(ResultComparison.differences(stored: labels([0.1, 0.2], kind: kind), recomputed: labels([0.1, 0.2, 0.3], kind: kind)).isEmpty)

    var stored = labels([0.9]), recomputed = labels([0.9])
    let full = CircuitGraph.full(layers: 1, heads: 1)
    stored.graph = full.keeping([CircuitEdge(.embed, .logits, score: 1), CircuitEdge(.mlp(layer: 0), .logits, score: 2)]).json
    recomputed.graph = full.keeping([CircuitEdge(.embed, .logits, score: 1), CircuitEdge(.head(layer: 0, head: 0), .logits, score: 2)]).json
    let lines = ResultComparison.differences(stored: stored, recomputed: recomputed)
    XCTAssertEqual(lines.count, 1, "\(lines)")
    XCTAssert(lines[0].contains("lost <m0>-><resid_post>") && lines[0].contains("gained <a0.0>-><resid_post>"), lines[0])
    recomputed.graph = full.keeping([CircuitEdge(.embed, .logits, score: 1.5), CircuitEdge(.mlp(layer: 0), .logits, score: 2)]).json
    XCTAssert(ResultComparison.differences(stored: stored, recomputed: recomputed).first?.contains("edge embed-><resid_post> score stored 1.0, recomputed 1.5") == true)
  }
}
