import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// The workbench's live view (what the terminal redraws on every prompt edit and ablation
/// toggle) against TransformerLens 3.9 under the same zero ablation (Resources/
/// workbench-reference.json), within the fixture's tolerance 1e-4.
final class LiveViewTests: XCTestCase {
  func testLiveViewUnderAblationMatchesTransformerLens() throws {
    let reference = try WorkbenchReference.load()
    let workbench = Workbench()
    _ = try runScript(reference.setup + "ablate \(reference.run.ablated_heads.joined(separator: ","))\n", on: workbench)
    let live = try XCTUnwrap(try workbench.liveView(topK: 5))
    let tolerance = reference.tolerance
    XCTAssertEqual(live.tokens, reference.tokens)
    XCTAssertEqual(try XCTUnwrap(live.metric), reference.run.logit_diff_ablated, accuracy: tolerance, "logit difference under the ablation")
    XCTAssertEqual(try XCTUnwrap(live.metricWithoutInterventions), reference.run.logit_diff_clean, accuracy: tolerance, "without it")
    let last = live.topK[live.count - 1]
    XCTAssertEqual(last.map(\.token), reference.run.top_ids.map { workbench.model!.subject.tokenText($0) })
    for (candidate, p) in zip(last, reference.run.top_probabilities) { XCTAssertEqual(candidate.probability, p, accuracy: tolerance) }
    // blocks.0.attn.hook_pattern[0, 1, 14, :] from TransformerLens's cache under the same ablation.
    let slice = try XCTUnwrap(reference.cache.values["blocks.0.attn.hook_pattern"])
    XCTAssertEqual(slice.index, "[0, 1, 14, :]")
    for (src, value) in slice.values.enumerated() {
      XCTAssertEqual(Double(live.attention(layer: 0, head: 1, dest: 14, src: src)), value, accuracy: tolerance, "pattern 0.1 [14, \(src)]")
    }
    // The answer's rank per layer is the logit lens's (itself checked against TransformerLens).
    let outputs = try runScript("lens top=1\n", on: workbench)
    let lens = try XCTUnwrap(try lastResults(outputs, of: "lens").first { $0.kind == "lens" })
    let ranks = (0...live.layers).map { Int(lens.values.numbers[$0 * 3 + 2]!) }
    XCTAssertEqual(live.answerRanks, ranks)
    XCTAssertEqual(live.answerRanks?.count, live.layers + 1)
  }

  func testDiffPatternsAreThoseWithoutInterventions() throws {
    let workbench = Workbench()
    _ = try runScript("model default\nprompt \"When Mary and John went to the store, John gave a drink to\"\n", on: workbench)
    let plain = try XCTUnwrap(try workbench.liveView())
    XCTAssertNil(plain.patternsWithoutInterventions, "no interventions: no second pass")
    XCTAssertNil(plain.metric, "no answer: no metric")
    _ = try runScript("answer \" Mary\" \" John\"\nablate 0.0\n", on: workbench)
    let ablated = try XCTUnwrap(try workbench.liveView())
    XCTAssertEqual(ablated.patternsWithoutInterventions, plain.patterns)
    // Head 0.0 feeds every later layer: some pattern downstream moves.
    let moved = (0..<ablated.patterns.count).map { abs(ablated.patterns[$0] - plain.patterns[$0]) }.max()!
    XCTAssertGreaterThan(moved, 1e-3)
    // Layer 0's own patterns are computed before any head output is replaced.
    let layer0 = ablated.heads * ablated.count * ablated.count
    XCTAssertEqual(Array(ablated.patterns[0..<layer0]), Array(plain.patterns[0..<layer0]))
  }
}
