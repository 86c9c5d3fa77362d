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
    subject = try TinySubject.load()
    // Two aligned templates of 8 tokens, names 100..139 in three slots (clean S IO S, corrupted ABC).
    var rng = SplitMix64(seed: 7)
    func draw(_ bound: Int) -> Int { Int(rng.next() % UInt64(bound)) }
    var clean: [[Int]] = [], corrupted: [[Int]] = [], answers: [Int] = [], wrongs: [Int] = [], templates: [String] = []
    for r in 0..<6 {
      let template = r % 2 == 0 ? [0, 11, 0, 23, 0, 37, 0, 41] : [0, 0, 52, 0, 61, 0, 73, 84]
      let slots = r % 2 == 0 ? [2, 4, 6] : [1, 3, 5]
      let s = 100 + draw(40), io = 100 + (s - 100 + 1 + draw(39)) % 40
      var c = template, k = template
      (c[slots[0]], c[slots[1]], c[slots[2]]) = (s, io, s)
      (k[slots[0]], k[slots[1]], k[slots[2]]) = (100 + draw(40), 100 + draw(40), 100 + draw(40))
      clean.append(c); corrupted.append(k); answers.append(io); wrongs.append(s); templates.append(r % 2 == 0 ? "a" : "b")
    }
    batch = try PromptPairBatch(clean: clean, corrupted: corrupted, answers: answers, wrongs: wrongs, templates: templates, tokenText: subject.tokenText)
    reference = try AblationReference(tokens: corrupted, templates: templates, name: "test corrupted prompts")
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
