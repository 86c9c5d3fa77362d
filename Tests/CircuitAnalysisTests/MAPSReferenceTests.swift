import CircuitAnalysis
import Foundation
import TransformerEngine
import XCTest

/// MAPS relation scores and copy scores on the full-vocabulary fixture model against the dense
/// PyTorch references of scripts/make_maps_fixtures.py: fractions must match exactly (the script
/// records that no top-k decision is within float32 error of flipping).
final class MAPSReferenceTests: XCTestCase {
  nonisolated(unsafe) static var fixture: MAPSFixture?
  func fixture() throws -> MAPSFixture {
    if let f = Self.fixture { return f }
    let f = try MAPSFixture()
    Self.fixture = f
    return f
  }

  func testRelationsAreTheScriptsPairs() throws {
    let f = try fixture()
    for (name, expected) in f.document.relations {
      let relation = try f.relation(name)
      XCTAssertEqual(relation.pairs.map { [$0.source, $0.target] }, expected.pairs, name)
      XCTAssertEqual(relation.dropped.count, expected.dropped, name)
    }
    XCTAssertTrue(try f.relation("maps-relation").dropped.contains { $0.item == " Mongolia -> Ulaanbaatar" && $0.reason.contains("target") })
  }

  func testStaticScoresMatchTheDenseReference() throws {
    let f = try fixture()
    let L = f.subject.layers, NH = f.subject.heads
    for entry in f.document.static {
      var settings = MAPSSettings()
      settings.topK = entry.k
      settings.rawEmbeddingAtLayerZero = entry.raw_embedding_at_layer_zero
      settings.blockColumns = 5003  // several blocks, the last one short
      let results = try MAPSScores.run(subject: f.subject, relation: f.relation(entry.relation), settings: settings)
      XCTAssertEqual(results.map(\.kind), ["weights.maps"])
      let values = try results[0].values.numbers.map { try XCTUnwrap($0) }
      let label = "\(entry.relation) k=\(entry.k) raw=\(entry.raw_embedding_at_layer_zero)"
      XCTAssertEqual(values.count, 2 * L * NH)
      for i in 0..<(L * NH) {
        XCTAssertEqual(values[i], entry.scores[i], accuracy: 1e-12, "\(label) head \(i)")
        XCTAssertEqual(values[L * NH + i], entry.suppression[i], accuracy: 1e-12, "\(label) suppression head \(i)")
      }
      assertValidResults(results)
    }
  }

  func testTheDefaultTopKIsOneForCopyingAndTenOtherwise() throws {
    let f = try fixture()
    let copying = try MAPSScores.run(subject: f.subject, relation: TokenRelation(name: "copy", pairs: f.document.copy_tokens.map { RelationPair(source: $0, target: $0) }, origin: "test"))
    XCTAssertEqual(copying[0].params["top_k"], .integer(1))
    XCTAssertEqual(copying[0].params["copying"], .bool(true))
    let next = try MAPSScores.run(subject: f.subject, relation: f.relation("number_next"))
    XCTAssertEqual(next[0].params["top_k"], .integer(10))
    let entry = try XCTUnwrap(f.document.static.first { $0.relation == "number_next" && $0.k == 10 && $0.raw_embedding_at_layer_zero })
    XCTAssertEqual(try next[0].values.numbers.map { try XCTUnwrap($0) }, entry.scores + entry.suppression)
  }

  func testCopyScoresMatchTheDenseReference() throws {
    let f = try fixture()
    for entry in f.document.copy {
      var settings = CopyScoreSettings(scope: CopyScoreSettings.Scope(rawValue: entry.scope)!, topK: entry.k)
      settings.blockColumns = 4096
      let results = try TokenSetCopyScores.run(subject: f.subject, tokens: f.document.copy_tokens, setName: "numbers 0-299", settings: settings)
      XCTAssertEqual(results.map(\.kind), ["weights.copy", "weights.negative_copy"])
      let copy = try results[0].values.numbers.map { try XCTUnwrap($0) }, negative = try results[1].values.numbers.map { try XCTUnwrap($0) }
      for i in copy.indices {
        XCTAssertEqual(copy[i], entry.copy[i], accuracy: 1e-12, "\(entry.scope) k=\(entry.k) head \(i)")
        XCTAssertEqual(negative[i], entry.negative[i], accuracy: 1e-12, "\(entry.scope) k=\(entry.k) negative head \(i)")
      }
      assertValidResults(results)
    }
  }

  func testDynamicScoresMatchTransformerLens() throws {
    let f = try fixture()
    let d = f.document.dynamic
    let relation = TokenRelation(name: "number_next", pairs: d.pairs.map { RelationPair(source: $0[0], target: $0[1]) }, origin: "test")
    var settings = MAPSSettings()
    settings.topK = d.k
    settings.dynamic = true
    settings.templates = d.templates
    let templates = try MAPSPromptTemplate.standard(settings, tokenizer: f.tokenizer)
    let results = try MAPSScores.run(subject: f.subject, relation: relation, templates: templates, settings: settings)
    XCTAssertEqual(results.map(\.kind), ["weights.maps", "weights.maps.dynamic"])
    XCTAssertEqual(results[1].count, d.prompts)
    XCTAssertEqual(results[0].params["below_minimum"], .bool(false))
    let values = try results[1].values.numbers.map { try XCTUnwrap($0) }
    let expected = d.natural.flatMap { $0 } + d.forced.flatMap { $0 }
    XCTAssertEqual(values.count, expected.count)
    for i in values.indices { XCTAssertEqual(values[i], expected[i], accuracy: 1e-12, "dynamic cell \(results[1].cellName(i))") }
    assertValidResults(results)
  }
}
