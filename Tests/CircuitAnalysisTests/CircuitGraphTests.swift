import CircuitAnalysis
import XCTest

/// The circuit graph: ACDC's node names, its residual-stream edges, and its JSON form.
final class CircuitGraphTests: XCTestCase {
  func testNamesRoundTrip() {
    let nodes: [CircuitNode] = [.embed, .head(layer: 9, head: 9), .headInput(layer: 9, head: 9, input: .q), .mlp(layer: 3), .logits]
    XCTAssertEqual(nodes.map(\.name), ["embed", "<a9.9>", "<a9.9_q>", "<m3>", "<resid_post>"])
    for node in nodes { XCTAssertEqual(CircuitNode(name: node.name), node) }
    XCTAssertEqual(CircuitNode(name: "a1.2_v"), .headInput(layer: 1, head: 2, input: .v))
    for bad in ["<a1>", "<a1.2_x>", "a-1.2", "<m>", "mlp3", "", "<a1.2.3>"] { XCTAssertNil(CircuitNode(name: bad), bad) }
  }

  /// Two layers of two heads: heads read the embedding and earlier layers, an MLP also reads its
  /// own layer's heads, the logits read every sender: 2 + 3 + 8 + 6 + 7 = 26 edges.
  func testFullGraphEdges() {
    let graph = CircuitGraph.full(layers: 2, heads: 2)
    XCTAssertEqual(graph.edges.count, 26)
    let keys = Set(graph.edges.map(\.key))
    XCTAssert(keys.contains(EdgeKey(sender: .head(layer: 0, head: 1), receiver: .mlp(layer: 0))))
    XCTAssertFalse(keys.contains(EdgeKey(sender: .head(layer: 1, head: 0), receiver: .head(layer: 1, head: 1))), "no edge within a layer's heads")
    XCTAssertFalse(keys.contains(EdgeKey(sender: .mlp(layer: 0), receiver: .head(layer: 0, head: 0))), "no edge backwards")
    XCTAssertEqual(graph.edges.first?.key, EdgeKey(sender: .embed, receiver: .head(layer: 0, head: 0)))
    XCTAssertEqual(graph.edges.last?.key, EdgeKey(sender: .mlp(layer: 1), receiver: .logits))
    // Split into q/k/v, every head edge becomes three.
    XCTAssertEqual(CircuitGraph.full(layers: 2, heads: 2, splitQKV: true).edges.count, 26 + 2 * (2 + 8))
    XCTAssertEqual(CircuitGraph.full(layers: 2, heads: 2, splitQKV: true).internalEdges.count, 12)
  }

  func testJSONRoundTripsAndRejectsStrangers() throws {
    let full = CircuitGraph.full(layers: 2, heads: 2, splitQKV: true, method: "eap")
    var kept = full.edges.filter { $0.receiver == .logits || $0.receiver == .headInput(layer: 1, head: 0, input: .q) }
    kept = kept.map { CircuitEdge($0.sender, $0.receiver, score: 0.25) }
    var graph = full.keeping(kept)
    graph.nodeScores[.head(layer: 1, head: 0)] = -1.5
    let data = try JSONEncoder().encode(graph.json)
    let decoded = try CircuitGraph(json: JSONDecoder().decode(JSONValue.self, from: data))
    XCTAssertEqual(decoded, graph)
    XCTAssert(graph.nodes.contains(.head(layer: 1, head: 0)), "an input's head is kept with it")

    var bad = graph.json
    if case .object(var object) = bad {
      object["edges"] = [["sender": "<a1.0>", "receiver": "<a0.1_q>", "score": 1]]
      bad = .object(object)
    }
    XCTAssertThrowsError(try CircuitGraph(json: bad)) { XCTAssert("\($0)".contains("<a1.0> -> <a0.1_q>"), "\($0)") }
    if case .object(var object) = graph.json {
      object["nodes"] = [["name": "<a7.0>"]]
      XCTAssertThrowsError(try CircuitGraph(json: .object(object))) { XCTAssert("\($0)".contains("<a7.0>"), "\($0)") }
    }
  }
}
