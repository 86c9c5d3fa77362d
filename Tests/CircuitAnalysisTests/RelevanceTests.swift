import CircuitAnalysis
import TransformerEngine
import XCTest

final class RelevanceTests: XCTestCase {
  var subject: AnalysisSubject!
  var pairs: PromptPairBatch!

  override func setUpWithError() throws {
    subject = try TinySubject.load()
    pairs = try PromptPairBatch(
      clean: [[0, 17, 200, 45, 9, 88, 31, 250], [0, 4, 90, 45, 19, 8, 131, 25]],
      corrupted: [[0, 17, 121, 45, 9, 88, 99, 250], [0, 4, 91, 45, 19, 8, 13, 25]],
      answers: [7, 30], wrongs: [12, 44], tokenText: subject.tokenText)
  }

  /// Gradient importance equals the finite-difference derivative of the metric with respect to
  /// each head's gate, |M(1+ε) − M(1−ε)| / 2ε, averaged over prompts (Michel et al.'s E|∂M/∂ξ|).
  func testGradientImportanceEqualsFiniteDifferences() throws {
    let results = try HeadRelevance.scores(.gradient, subject: subject, groups: [pairs])
    XCTAssertEqual(results.map(\.kind), ["relevance.gradient", "relevance.gradient.normalised"])
    let scores = results[0]
    let eps: Float = 1e-2
    for l in 0..<2 {
      for h in 0..<4 {
        var total = 0.0
        for b in 0..<2 {
          let metric = Metric.logitDifference(answers: [pairs.answers[b]], wrongs: [pairs.wrongs[b]])
          func m(_ gate: Float) throws -> Double {
            var gates = Tensor(shape: [2, 4], repeating: 1)
            gates.values[l * 4 + h] = gate
            return try subject.model.withHeadGates(gates) { try metric.mean(subject.model.forward([pairs.clean[b]])) }
          }
          total += abs(try m(1 + eps) - m(1 - eps)) / Double(2 * eps)
        }
        let expected = total / 2
        XCTAssertEqual(try XCTUnwrap(scores.values[l, h].number), expected, accuracy: 1e-3 + 1e-3 * expected, "head \(l).\(h)")
      }
    }
    XCTAssertEqual(scores.count, 2)
    // Per-layer normalisation: each layer's vector has unit l2 norm.
    for l in 0..<2 {
      let row = (0..<4).map { results[1].values[l, $0].number! }
      XCTAssertEqual(row.map { $0 * $0 }.reduce(0, +), 1, accuracy: 1e-9)
    }
  }

  /// Ablation relevance is the unablated metric minus the ablated one; patching relevance is the
  /// patching sweep minus its corrupted baseline; both averaged over the prompts.
  func testEffectScoresMatchTheirSweeps() throws {
    let ablation = try HeadRelevance.scores(.ablation, subject: subject, groups: [pairs])[0]
    let each = try HeadAblation.eachHead(subject: subject, groups: [pairs])
    let patching = try HeadRelevance.scores(.patching, subject: subject, groups: [pairs])[0]
    let sweep = try ActivationPatching.sweep(.headOutAllPositions, subject: subject, pair: pairs)
    for i in 0..<8 {
      XCTAssertEqual(ablation.values.cells[i].number!, each.metric!.clean! - each.values.cells[i].number!, accuracy: 1e-6)
      XCTAssertEqual(patching.values.cells[i].number!, sweep.values.cells[i].number! - sweep.metric!.corrupted!, accuracy: 1e-6)
    }
  }

  func testRelevanceVectorHasMeanOneAndOrderedWeakeningEndsAgree() throws {
    let scores = try HeadRelevance.scores(.ablation, subject: subject, groups: [pairs])[0]
    for clipping in HeadRelevance.Clipping.allCases {
      let hrv = try HeadRelevance.relevanceVector(scores, clipping: clipping, concept: "test")
      let values = hrv.values.numbers.map { $0! }
      XCTAssertEqual(values.reduce(0, +) / 8, 1, accuracy: 1e-12)
      XCTAssertTrue(values.allSatisfy { $0 >= 0 })
    }
    let curves = try HeadRelevance.orderedWeakening(scores, subject: subject, groups: [pairs])
    XCTAssertEqual(curves.shape, [2, 9])
    XCTAssertEqual(curves.values[0, 0].number!, curves.metric!.clean!, accuracy: 1e-6)
    XCTAssertEqual(curves.values[1, 0].number!, curves.metric!.clean!, accuracy: 1e-6)
    XCTAssertEqual(curves.values[0, 8].number!, curves.values[1, 8].number!, accuracy: 1e-5)
    // The first head removed most-relevant-first is the one whose ablation hurts most.
    let first = try XCTUnwrap(curves.params["most_relevant_first"]?.arrayValue?.first?.stringValue)
    let best = (0..<8).max { scores.values.cells[$0].number! < scores.values.cells[$1].number! }!
    XCTAssertEqual(first, "\(best / 4).\(best % 4)")
  }
}
