import CircuitAnalysis
import Foundation
import TransformerEngine
import XCTest

/// `CircuitTrace`: the keep rule (largest |score| first, threshold before count), the result's
/// shape and params, bad settings, and progress.
final class CircuitTraceTests: XCTestCase {
  var subject: AnalysisSubject!
  var batch: PromptPairBatch!
  var reference: AblationReference!

  override func setUpWithError() throws {
    (subject, batch, reference) = try TinyIOIBatch.make()
  }

  func testKeepsTheLargestAbsoluteScores() throws {
    let scored = try EdgeAttribution.scores(subject: subject, batch: batch, method: .eap)
    var settings = CircuitTrace.Settings()
    settings.keep = 7
    let result = try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings)
    let kept = try CircuitGraph(json: try XCTUnwrap(result.graph))
    let expected = scored.edges.sorted { abs($0.score!) > abs($1.score!) }.prefix(7)
    XCTAssertEqual(Set(kept.edges.map(\.key)), Set(expected.map(\.key)))
    XCTAssertEqual(kept.edges.map(\.score), kept.edges.map { edge in scored.edges.first { $0.key == edge.key }!.score })
    // The value is the faithfulness of exactly these edges.
    let evaluator = try CircuitEvaluator(subject: subject, batch: batch, reference: reference)
    XCTAssertEqual(result.values.cells.first?.number, try evaluator.faithfulness(of: kept).value)
    XCTAssertEqual(result.kind, "trace.eap")
    XCTAssertEqual(result.params["keep_rule"]?["keep"], .integer(7))
    XCTAssertNoThrow(try result.validate())

    settings.keep = nil
    settings.threshold = abs(expected.last!.score!)
    let byThreshold = try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings)
    XCTAssertEqual(Set(try CircuitGraph(json: byThreshold.graph!).edges.map(\.key)), Set(expected.map(\.key)))
  }

  /// target=0.8: the kept top-n reaches 0.8, the top n-1 does not (as the evaluator measures
  /// them), and the search is recorded.
  func testTargetKeepsTheFewestTopEdgesReachingIt() throws {
    var settings = CircuitTrace.Settings()
    settings.target = 0.8
    let result = try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings)
    let kept = try CircuitGraph(json: try XCTUnwrap(result.graph))
    let n = kept.edges.count
    XCTAssertGreaterThanOrEqual(try XCTUnwrap(result.values.cells.first?.number), 0.8)
    let ranked = try EdgeAttribution.scores(subject: subject, batch: batch, method: .eap).edges.sorted { abs($0.score!) > abs($1.score!) }
    XCTAssertEqual(Set(kept.edges.map(\.key)), Set(ranked.prefix(n).map(\.key)))
    XCTAssertGreaterThan(n, 0)
    let evaluator = try CircuitEvaluator(subject: subject, batch: batch, reference: reference)
    let full = CircuitGraph.full(layers: 2, heads: 4)
    XCTAssertLessThan(try XCTUnwrap(try evaluator.faithfulness(of: full.keeping(Array(ranked.prefix(n - 1)))).value), 0.8)
    XCTAssertEqual(result.params["keep_rule"]?["target"], .number(0.8))
    XCTAssertNotNil(result.params["keep_rule"]?["evaluated"]?.arrayValue?.first)
    settings.keep = 3
    XCTAssertThrowsError(try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings))
  }

  func testDefaultKeepsATenthOfTheEdges() throws {
    let result = try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: CircuitTrace.Settings())
    let total = CircuitGraph.full(layers: 2, heads: 4).edges.count
    XCTAssertEqual(try CircuitGraph(json: result.graph!).edges.count, Int((Double(total) / 10).rounded(.up)))
  }

  func testBadSettingsAreRefused() {
    var settings = CircuitTrace.Settings()
    settings.threshold = -0.5
    XCTAssertThrowsError(try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings)) {
      XCTAssertTrue("\($0)".contains(">= 0, got -0.5"), "\($0)")
    }
    settings = CircuitTrace.Settings()
    settings.steps = 0
    settings.method = .eapIG
    XCTAssertThrowsError(try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings))
    settings = CircuitTrace.Settings()
    settings.metric = MetricChoice(.klDivergence)
    XCTAssertThrowsError(try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings)) {
      XCTAssertTrue("\($0)".contains("gradient 0"), "\($0)")
    }
    // A reference without the batch's template and length names the prompt.
    let other = try! AblationReference(tokens: [[0, 1, 2]], templates: ["a"], name: "short reference")
    XCTAssertThrowsError(try CircuitEvaluator(subject: subject, batch: batch, reference: other).metric(of: CircuitGraph.full(layers: 2, heads: 4).keeping([]))) {
      XCTAssertTrue("\($0)".contains("short reference") && "\($0)".contains("prompt 0"), "\($0)")
    }
  }
}
