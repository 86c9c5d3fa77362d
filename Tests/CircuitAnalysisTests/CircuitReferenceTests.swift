import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import XCTest

/// Edge-ablated circuit metrics and EAP / EAP-IG edge scores on models/tiny-f32 against the
/// TransformerLens 3.9 references of `scripts/make_circuit_fixtures.py`
/// (`Resources/references/circuit-tiny-f32.json`): 10 IOI-like prompts of three templates (two
/// of 10 tokens, one of 12, so the batch runs padded and in two blocks), means per template.
final class CircuitReferenceTests: XCTestCase {
  static let tolerance = 1e-4

  struct Row: Decodable {
    let template: String
    let clean: [Int]
    let corrupted: [Int]
    let answer: Int
    let wrong: Int
  }

  struct Subset: Decodable {
    let edges: [[String]]
    let metric: Double
  }

  struct Graph: Decodable {
    let edge_count: Int
    let subsets: [String: Subset]
    let eap: [ScoredEdge]
    let eap_ig: [ScoredEdge]
  }

  struct ScoredEdge: Decodable {
    let sender: String, receiver: String, score: Double
    init(from decoder: Decoder) throws {
      var c = try decoder.unkeyedContainer()
      sender = try c.decode(String.self)
      receiver = try c.decode(String.self)
      score = try c.decode(Double.self)
    }
  }

  struct Reference: Decodable {
    let rows: [Row]
    let graphs: [String: Graph]
    let eap_ig_steps: Int
  }

  var reference: Reference!
  var subject: AnalysisSubject!
  var batch: PromptPairBatch!
  var ablation: AblationReference!

  override func setUpWithError() throws {
    let url = Fixtures.resources(in: .module).appendingPathComponent("references/circuit-tiny-f32.json")
    reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    subject = try TinySubject.load()
    let rows = reference.rows
    batch = try PromptPairBatch(clean: rows.map(\.clean), corrupted: rows.map(\.corrupted), answers: rows.map(\.answer),
                                wrongs: rows.map(\.wrong), templates: rows.map(\.template), tokenText: subject.tokenText)
    ablation = try AblationReference(tokens: rows.map(\.corrupted), templates: rows.map(\.template), name: "reference ABC prompts")
  }

  func graph(_ name: String, split: Bool) throws -> CircuitGraph {
    let full = CircuitGraph.full(layers: subject.layers, heads: subject.heads, splitQKV: split)
    let subset = try XCTUnwrap(reference.graphs[split ? "split" : "unsplit"]?.subsets[name], name)
    let edges = try subset.edges.map { pair -> CircuitEdge in
      CircuitEdge(try XCTUnwrap(CircuitNode(name: pair[0])), try XCTUnwrap(CircuitNode(name: pair[1])))
    }
    return full.keeping(edges)
  }

  /// GPT-2 small split into q/k/v: ACDC counts 32,923 edges (papers.md section 6), its 32,491
  /// residual-stream edges plus one q/k/v input -> q/k/v edge per head input (3 x 144).
  func testGPT2SmallSplitGraphHasACDCsEdgeCount() {
    XCTAssertEqual(CircuitGraph.full(layers: 12, heads: 12, splitQKV: true).edges.count + 3 * 144, 32_923)
  }

  func testEdgeCountsMatchTheReferenceGraph() throws {
    for split in [false, true] {
      XCTAssertEqual(CircuitGraph.full(layers: subject.layers, heads: subject.heads, splitQKV: split).edges.count,
                     reference.graphs[split ? "split" : "unsplit"]?.edge_count)
    }
  }

  /// Every subset's metric, unsplit and split, within 1e-4 of TransformerLens.
  func testCircuitMetricsMatchTransformerLens() throws {
    let evaluator = try CircuitEvaluator(subject: subject, batch: batch, reference: ablation)
    var worst = 0.0
    for split in [false, true] {
      for (name, subset) in reference.graphs[split ? "split" : "unsplit"]!.subsets.sorted(by: { $0.key < $1.key }) {
        let value = try evaluator.metric(of: try graph(name, split: split))
        worst = max(worst, abs(value - subset.metric))
        XCTAssertEqual(value, subset.metric, accuracy: Self.tolerance, "\(name), split \(split)")
      }
    }
    print("circuit metrics: max |swift - TransformerLens| = \(worst)")
  }

  /// The full graph installs no hook: exactly the clean metric. The empty graph is the
  /// all-ablated value and differs from it.
  func testFullGraphIsTheCleanRunAndEmptyIsAllAblated() throws {
    let evaluator = try CircuitEvaluator(subject: subject, batch: batch, reference: ablation)
    let logits = try subject.model.forward(batch.cleanBatch)
    let clean = try Metric.logitDifference(answers: batch.answers, wrongs: batch.wrongs).perRow(logits).reduce(0, +) / Double(batch.count)
    let full = CircuitGraph.full(layers: subject.layers, heads: subject.heads)
    XCTAssertEqual(try evaluator.metric(of: full), clean)
    let faithfulness = try evaluator.faithfulness(of: full.keeping([]))
    XCTAssertEqual(faithfulness.full, clean)
    XCTAssertEqual(faithfulness.circuit, faithfulness.empty, "a circuit that removes everything reports its metric")
    XCTAssertEqual(try XCTUnwrap(faithfulness.value), 0)
    XCTAssertGreaterThan(abs(faithfulness.full - faithfulness.empty), 0.1)
    XCTAssertEqual(try XCTUnwrap(try evaluator.faithfulness(of: full).value), 1)
  }

  func testEAPScoresMatchTransformerLens() throws {
    try compareScores(.eap, key: \.eap)
  }

  func testEAPIGScoresMatchTransformerLens() throws {
    try compareScores(.eapIG, key: \.eap_ig)
  }

  func compareScores(_ method: EdgeAttribution.Method, key: KeyPath<Graph, [ScoredEdge]>) throws {
    var worst = 0.0
    for split in [false, true] {
      let expected = reference.graphs[split ? "split" : "unsplit"]![keyPath: key]
      let scored = try EdgeAttribution.scores(subject: subject, batch: batch, method: method, steps: reference.eap_ig_steps, splitQKV: split)
      XCTAssertEqual(scored.edges.count, expected.count)
      let scores = Dictionary(uniqueKeysWithValues: scored.edges.map { ("\($0.sender.name) \($0.receiver.name)", $0.score!) })
      for edge in expected {
        let value = try XCTUnwrap(scores["\(edge.sender) \(edge.receiver)"], "\(edge.sender) -> \(edge.receiver)")
        worst = max(worst, abs(value - edge.score))
        XCTAssertEqual(value, edge.score, accuracy: Self.tolerance, "\(method.rawValue) \(edge.sender) -> \(edge.receiver), split \(split)")
      }
    }
    print("\(method.rawValue) scores: max |swift - TransformerLens| = \(worst)")
  }
}
