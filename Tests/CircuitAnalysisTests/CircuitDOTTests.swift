import CircuitAnalysis
import XCTest

/// The DOT text of a circuit: deterministic, ACDC's node names quoted, pen width from the score,
/// a colour per head class, a legend and a caption.
final class CircuitDOTTests: XCTestCase {
  static func sampleGraph() -> CircuitGraph {
    let full = CircuitGraph.full(layers: 2, heads: 2, splitQKV: true, method: "eap")
    let kept = [
      CircuitEdge(.embed, .headInput(layer: 0, head: 1, input: .k), score: 0.5),
      CircuitEdge(.head(layer: 0, head: 1), .headInput(layer: 1, head: 0, input: .q), score: -2),
      CircuitEdge(.head(layer: 1, head: 0), .logits, score: 4),
    ]
    return full.keeping(kept.reversed())
  }

  func testTextIsDeterministicAndWellFormed() {
    let dot = CircuitDOT(graph: Self.sampleGraph(), classes: [HeadIndex(1, 0): "name mover", HeadIndex(0, 1): "s-inhibition"],
                         caption: ["metric: logit_diff", "faithfulness 0.91"])
    let text = dot.text
    XCTAssertEqual(text, CircuitDOT(graph: Self.sampleGraph(), classes: [HeadIndex(0, 1): "s-inhibition", HeadIndex(1, 0): "name mover"],
                                    caption: ["metric: logit_diff", "faithfulness 0.91"]).text)
    XCTAssert(text.hasPrefix("digraph circuit {\n") && text.hasSuffix("}\n"))
    XCTAssert(text.contains("label=\"eap circuit\\nmetric: logit_diff\\nfaithfulness 0.91\""), text)
    // The largest score draws the widest pen, a negative score in red.
    XCTAssert(text.contains("\"<a1.0>\" -> \"<resid_post>\" [penwidth=5.00, color=\"#1f3b73\""), text)
    XCTAssert(text.contains("\"<a0.1>\" -> \"<a1.0_q>\" [penwidth=2.75, color=\"#d62728\""), text)
    XCTAssert(text.contains("\"embed\" -> \"<a0.1_k>\" [penwidth=1.06"), text)
    XCTAssert(text.contains("\"<a1.0_q>\" -> \"<a1.0>\" [style=dashed"), "internal q/k/v edge: \(text)")
    XCTAssert(text.contains("\"<a1.0>\" [label=\"a1.0\", fillcolor=\"#1f77b4\", tooltip=\"name mover\"]"), text)
    XCTAssert(text.contains("[label=\"name mover\", fillcolor=\"#1f77b4\"]") && text.contains("[label=\"s-inhibition\", fillcolor=\"#2ca02c\"]"), "legend: \(text)")
    XCTAssertFalse(text.contains("<a0.0>"), "a head outside the circuit is not drawn")
    // Edges come out in sorted order, whatever order they were given in.
    let order = ["\"embed\" -> \"<a0.1_k>\"", "\"<a0.1>\" -> \"<a1.0_q>\"", "\"<a1.0>\" -> \"<resid_post>\""].map { text.range(of: $0)!.lowerBound }
    XCTAssertEqual(order, order.sorted())
  }

  func testQuotesAndCaptionFromAResult() throws {
    var result = AnalysisResult(kind: "trace.eap", metric: MetricSummary(name: "logit_diff", answer: " Mary", wrong: " John", clean: 3.25, corrupted: -0.5),
                                axes: [], values: .scalar(0.875), params: ["head_classes": ["1.0": "name mover"]],
                                model: ModelIdentity(name: "m", sha256: "x"))
    result.graph = Self.sampleGraph().json
    let text = try CircuitDOT(result: result).text
    XCTAssert(text.contains("trace.eap\\nmetric: logit_diff (Mary vs John), clean 3.25, corrupted -0.5\\nfaithfulness 0.875"), text)
    XCTAssert(text.contains("tooltip=\"name mover\""), text)
    XCTAssertEqual(CircuitDOT(graph: Self.sampleGraph(), caption: ["say \"hi\" \\ bye"]).text.contains("say \\\"hi\\\" \\\\ bye"), true)
    result.graph = nil
    XCTAssertThrowsError(try CircuitDOT(result: result)) { XCTAssert("\($0)".contains("no graph"), "\($0)") }
  }
}
