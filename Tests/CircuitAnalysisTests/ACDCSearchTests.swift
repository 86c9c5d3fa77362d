import CircuitAnalysis
import XCTest

/// ACDC's search over a synthetic distance in which each edge's removal costs a known amount:
/// the edges kept are exactly those that cost tau or more, visited output first, and edges into a
/// node cut off from the output go without being evaluated.
final class ACDCSearchTests: XCTestCase {
  func testKeepsExactlyTheCostlyEdges() throws {
    let graph = CircuitGraph.full(layers: 2, heads: 2)
    // Costs: the path embed -> a0.1 -> a1.0 -> logits matters; removing any other edge costs nothing.
    let costly: [EdgeKey: Double] = [
      EdgeKey(sender: .head(layer: 1, head: 0), receiver: .logits): 2,
      EdgeKey(sender: .head(layer: 0, head: 1), receiver: .head(layer: 1, head: 0)): 0.5,
      EdgeKey(sender: .embed, receiver: .head(layer: 0, head: 1)): 0.25,
    ]
    var evaluated: [Set<EdgeKey>] = []
    let search = try ACDCSearch(tau: 0.1)
    let outcome = try search.run(graph) { removed in
      evaluated.append(removed)
      return removed.reduce(0) { $0 + (costly[$1] ?? 0) }
    }
    XCTAssertEqual(Set(outcome.kept.map(\.key)), Set(costly.keys))
    for edge in outcome.kept { XCTAssertEqual(edge.score!, costly[edge.key]!, accuracy: 1e-12, "\(edge)") }
    XCTAssertEqual(outcome.distance, 0)
    XCTAssertEqual(outcome.removed.count, graph.edges.count - 3)
    // Output first: the first edge tried is the latest sender into the logits.
    XCTAssertEqual(evaluated[1], [EdgeKey(sender: .mlp(layer: 1), receiver: .logits)])
    // m0, a0.0, a1.1 and m1 reach nothing once their edges out are gone: their inputs are cut
    // without an evaluation, so fewer circuits are evaluated than there are edges.
    XCTAssertLessThan(outcome.evaluations, graph.edges.count + 1)
    XCTAssertEqual(outcome.evaluations, 1 + 7 + 4 + 1, "7 edges into the logits, a1.0's 4, a0.1's 1")
  }

  func testAbsoluteThresholdAndBadTau() throws {
    let graph = CircuitGraph.full(layers: 1, heads: 1)
    // Removing m0 -> logits helps (distance falls by 1): kept only when |Δ| is compared.
    let helpful = EdgeKey(sender: .mlp(layer: 0), receiver: .logits)
    func distance(_ removed: Set<EdgeKey>) -> Double { removed.contains(helpful) ? -1 : 0 }
    XCTAssertFalse(try ACDCSearch(tau: 0.5).run(graph, distance: distance).kept.map(\.key).contains(helpful))
    XCTAssert(try ACDCSearch(tau: 0.5, absolute: true).run(graph, distance: distance).kept.map(\.key).contains(helpful))
    XCTAssertThrowsError(try ACDCSearch(tau: -0.1)) { XCTAssert("\($0)".contains("tau"), "\($0)") }
  }

  func testCancelledSearchThrows() throws {
    let progress = AnalysisProgress()
    progress.cancel()
    XCTAssertThrowsError(try ACDCSearch(tau: 0.1).run(CircuitGraph.full(layers: 1, heads: 1), progress: progress) { _ in 0 }) {
      guard case AnalysisError.cancelled = $0 else { return XCTFail("\($0)") }
    }
  }
}
