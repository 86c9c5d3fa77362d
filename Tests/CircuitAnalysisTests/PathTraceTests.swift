import CircuitAnalysis
import Foundation
import TransformerEngine
import XCTest

/// `trace` by path patching (`CircuitTrace.Method.path`): each scored edge equals the path
/// patching of its sender to its receiver (checked against TransformerLens in
/// `PathPatchingReferenceTests`), the unscored embedding and MLP edges follow the kept heads, and
/// keeping every scored edge is the full model.
final class PathTraceTests: XCTestCase {
  var subject: AnalysisSubject!
  var batch: PromptPairBatch!
  var reference: AblationReference!

  override func setUpWithError() throws {
    (subject, batch, reference) = try TinyIOIBatch.make()
  }

  func settings(keep: Int? = nil, target: Double? = nil) -> CircuitTrace.Settings {
    var settings = CircuitTrace.Settings()
    settings.method = .path
    settings.keep = keep
    settings.target = target
    return settings
  }

  /// Head -> logits and head -> head edge scores are PathPatching's mean patched metric minus
  /// the clean metric, for the same receivers.
  func testEdgeScoresArePathPatchingEffects() throws {
    var all = settings(keep: 1_000)
    let result = try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: all)
    let graph = try CircuitGraph(json: try XCTUnwrap(result.graph))
    let scores = Dictionary(uniqueKeysWithValues: graph.edges.compactMap { e in e.score.map { (e.key, $0) } })
    let pairs = [batch!]
    let toLogits = try PathPatching.run(subject: subject, groups: pairs, receivers: .logits, normalisation: .none)
    let clean = try XCTUnwrap(toLogits.metric?.clean)
    for l in 0..<2 {
      for h in 0..<4 {
        let patched = try XCTUnwrap(toLogits.values.cells[l * 4 + h].number)
        let score = try XCTUnwrap(scores[EdgeKey(sender: .head(layer: l, head: h), receiver: .logits)], "\(l).\(h) -> logits")
        XCTAssertEqual(score, patched - clean, accuracy: 1e-9 * max(1, abs(clean)), "\(l).\(h) -> logits")
      }
    }
    let receiver = try PathReceivers(parsing: "1.2")
    let toHead = try PathPatching.run(subject: subject, groups: pairs, receivers: receiver, normalisation: .none)
    for h in 0..<4 {
      let patched = try XCTUnwrap(toHead.values.cells[h].number)
      let score = try XCTUnwrap(scores[EdgeKey(sender: .head(layer: 0, head: h), receiver: .head(layer: 1, head: 2))])
      XCTAssertEqual(score, patched - clean, accuracy: 1e-9 * max(1, abs(clean)), "0.\(h) -> 1.2")
    }
    // Every head edge scored (to the logits and to each later head), nothing else.
    XCTAssertEqual(scores.count, 8 + 4 * 4)
    XCTAssertEqual(graph.edges.count, CircuitGraph.full(layers: 2, heads: 4).edges.count, "keeping every scored edge keeps every edge")
    XCTAssertEqual(try XCTUnwrap(result.values.cells.first?.number), 1, accuracy: 1e-6, "the full model is faithful")
    XCTAssertEqual(result.kind, "trace.path")
    XCTAssertNoThrow(try result.validate())
  }

  /// A kept circuit holds exactly the kept heads: unscored edges into or out of other heads go.
  func testUnscoredEdgesFollowTheKeptHeads() throws {
    let result = try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings(keep: 2))
    let graph = try CircuitGraph(json: try XCTUnwrap(result.graph))
    let scored = graph.edges.filter { $0.score != nil }
    XCTAssertEqual(scored.count, 2)
    let heads = Set(scored.compactMap { $0.sender.headIndex.map { HeadIndex($0.layer, $0.head) } })
    XCTAssertEqual(Set(graph.keptHeads), heads, "the circuit's heads are the senders of its kept edges")
    for edge in graph.edges where edge.score == nil {
      for node in [edge.sender, edge.receiver] {
        if let h = node.headIndex { XCTAssertTrue(heads.contains(HeadIndex(h.layer, h.head)), "\(edge.key)") }
      }
    }
    XCTAssertTrue(graph.edges.contains { $0.key == EdgeKey(sender: .embed, receiver: .mlp(layer: 0)) }, "the MLPs are always kept")
    XCTAssertEqual(result.params["unscored_edges"], .integer(CircuitGraph.full(layers: 2, heads: 4).edges.count - 24))
  }

  func testTargetSearchesOverTheScoredEdges() throws {
    let result = try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings(target: 0.8))
    XCTAssertGreaterThanOrEqual(try XCTUnwrap(result.values.cells.first?.number), 0.8)
    let n = try XCTUnwrap(result.params["keep_rule"]?["keep"]?.doubleValue)
    XCTAssertEqual(try CircuitGraph(json: result.graph!).edges.filter { $0.score != nil }.count, Int(n))
  }
}
