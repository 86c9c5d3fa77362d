import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// A circuit's DOT renders with Graphviz's `dot -Tsvg` without warnings. Without `dot` the test
/// skips on a developer machine but fails under CI (`HEADLAB_REQUIRE_GRAPHVIZ=1`, set by `.ci/run`,
/// which installs graphviz).
final class GraphvizRenderTests: XCTestCase {
  func requireDot() throws {
    guard GraphvizRenderer.binary == nil else { return }
    if ProcessInfo.processInfo.environment["HEADLAB_REQUIRE_GRAPHVIZ"] == "1" {
      XCTFail("Graphviz's dot is required here (HEADLAB_REQUIRE_GRAPHVIZ=1) but is not installed")
    }
    throw XCTSkip("Graphviz's dot is not installed")
  }

  func testCircuitRendersWithoutWarnings() throws {
    try requireDot()
    let full = CircuitGraph.full(layers: 3, heads: 2, splitQKV: true, method: "eap")
    let kept = full.edges.enumerated().filter { $0.offset % 3 == 0 }.map { CircuitEdge($0.element.sender, $0.element.receiver, score: Double($0.offset) - 20) }
    let dot = CircuitDOT(graph: full.keeping(kept), classes: [HeadIndex(2, 1): "name mover", HeadIndex(1, 0): "induction"],
                         caption: ["metric: logit_diff", "faithfulness 0.8"])
    let (svg, warnings) = try GraphvizRenderer.render(dot.text, format: "svg")
    XCTAssertEqual(warnings, "", "dot warned")
    let text = String(decoding: svg, as: UTF8.self)
    XCTAssert(text.contains("<svg") && text.contains("a2.1") && text.contains("name mover"), String(text.prefix(400)))
  }

  func testBrokenDOTIsAnError() throws {
    try requireDot()
    XCTAssertThrowsError(try GraphvizRenderer.render("digraph { a -> }", format: "svg")) { XCTAssert("\($0)".contains("dot failed"), "\($0)") }
  }
}
