import CircuitAnalysis
import Foundation
import TransformerEngine
import XCTest

/// The sparse attention decomposition against scripts/make_maps_fixtures.py (TransformerLens
/// hook_attn_scores and a float64 PyTorch decomposition) on models/gpt2-vocab-f32, within 1e-4.
final class AttentionDecompositionTests: XCTestCase {
  func testDecompositionMatchesTransformerLens() throws {
    let f = try MAPSFixture()
    var checked = 0
    for reference in f.document.decompose.heads {
      var settings = AttentionDecompositionSettings()
      settings.firingThreshold = reference.threshold
      let results = try SparseAttentionDecomposition.run(subject: f.subject, head: HeadIndex(reference.layer, reference.head), prompt: f.document.decompose.prompt, settings: settings)
      XCTAssertEqual(results.map(\.kind), ["weights.decompose", "weights.decompose.firings"])
      assertValidResults(results)
      let decomposition = results[0], firings = results[1]
      let label = "\(reference.layer).\(reference.head) at \(reference.threshold)"
      XCTAssertEqual(decomposition.axes[2].labels, reference.components, label)
      XCTAssertEqual(decomposition.params["firings"], .integerRows(reference.firings.map { [$0.destination, $0.source] }), label)
      let singular = try XCTUnwrap(decomposition.params["singular_values"]?.arrayValue).compactMap { $0.doubleValue }
      XCTAssertEqual(singular.count, reference.singular_values.count)
      for (a, b) in zip(singular, reference.singular_values) { XCTAssertEqual(a, b, accuracy: 1e-4, "\(label) singular value") }
      // All directions together give hook_attn_scores at every causal pair.
      XCTAssertLessThan(try XCTUnwrap(decomposition.params["max_score_error"]?.doubleValue), 1e-4, label)
      let K = reference.components.count, M = firings.shape[1]
      let values = try decomposition.values.numbers.map { try XCTUnwrap($0) }, rows = try firings.values.numbers.map { try XCTUnwrap($0) }
      for (n, firing) in reference.firings.enumerated() {
        let row = Array(rows[(n * M)..<((n + 1) * M)])
        let query = Array(values[(n * 2 * K)..<(n * 2 * K + K)]), key = Array(values[(n * 2 * K + K)..<((n + 1) * 2 * K)])
        XCTAssertEqual(row[0], firing.pattern, accuracy: 1e-4, "\(label) firing \(n) pattern")
        XCTAssertEqual(row[1], firing.score, accuracy: 1e-4, "\(label) firing \(n) hook_attn_scores vs TransformerLens")
        XCTAssertEqual(row[2], firing.score, accuracy: 1e-4, "\(label) firing \(n): all directions give the score")
        XCTAssertEqual(row[3], firing.selected_score, accuracy: 1e-4, "\(label) firing \(n) selected score")
        XCTAssertEqual(row[4], Double(firing.selected_directions), "\(label) firing \(n) directions")
        for c in 0..<K {
          XCTAssertEqual(query[c], firing.query[c], accuracy: 1e-4, "\(label) firing \(n) query \(reference.components[c])")
          XCTAssertEqual(key[c], firing.key[c], accuracy: 1e-4, "\(label) firing \(n) key \(reference.components[c])")
        }
        // Heads + named remainder = the selected directions' part of the score, on each side.
        XCTAssertEqual(query.reduce(0, +), row[3], accuracy: 1e-4)
        XCTAssertEqual(key.reduce(0, +), row[3], accuracy: 1e-4)
        XCTAssertEqual(row[5] + row[6], row[3], accuracy: 1e-4)
        XCTAssertEqual(row[7] + row[8], row[3], accuracy: 1e-4)
        XCTAssertGreaterThanOrEqual(row[3], 0.7 * row[2] - 1e-9)
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, 20)
  }

  func testDecompositionOnTinyModelSumsToTheScores() throws {
    let subject = try TinySubject.load()
    let prompt = [0, 17, 42, 99, 17, 42, 5, 250, 17]
    let results = try SparseAttentionDecomposition.run(subject: subject, head: HeadIndex(1, 2), prompt: prompt)
    XCTAssertLessThan(try XCTUnwrap(results[0].params["max_score_error"]?.doubleValue), 1e-4)
    assertValidResults(results)
  }

  func testBadHeadAndPrompt() throws {
    let subject = try TinySubject.load()
    XCTAssertThrowsError(try SparseAttentionDecomposition.run(subject: subject, head: HeadIndex(2, 0), prompt: [0, 1])) { error in
      XCTAssertEqual(error as? AnalysisError, .headOutOfRange(layer: 2, head: 0, layers: 2, heads: 4))
    }
    XCTAssertThrowsError(try SparseAttentionDecomposition.run(subject: subject, head: HeadIndex(0, 4), prompt: [0, 1]))
    XCTAssertThrowsError(try SparseAttentionDecomposition.run(subject: subject, head: HeadIndex(0, 0), prompt: []))
  }
}
