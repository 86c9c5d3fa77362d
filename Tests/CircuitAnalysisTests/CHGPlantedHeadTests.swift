import CircuitAnalysis
import Foundation
import TransformerEngine
import XCTest

/// Causal head gating (Nam et al. 2025) on models/tiny-f32 with one head planted to be necessary,
/// and its validation against the zero ablations of `HeadAblation`.
final class CHGPlantedHeadTests: XCTestCase {
  static let planted = HeadIndex(1, 2)
  static let answer = 100
  static let prompts: [[Int]] = [[0, 37, 11, 52, 205, 230, 37, 264], [0, 81, 11, 99, 205, 230, 81, 264],
                                 [0, 140, 11, 177, 205, 230, 140, 264], [0, 52, 11, 140, 205, 230, 52, 264]]

  func groups(_ subject: AnalysisSubject, answer: Int = answer) throws -> [PromptPairBatch] {
    [try PromptPairBatch(clean: Self.prompts, corrupted: Self.prompts, answers: Array(repeating: answer, count: 4),
                         wrongs: Array(repeating: 37, count: 4), tokenText: subject.tokenText)]
  }

  var settings: CHGSettings {
    var s = CHGSettings()
    s.restarts = 2
    s.stepsPerStage = 40
    s.learningRate = 0.5
    s.seed = 3
    return s
  }

  /// Head 1.2's z becomes a constant (its value weights zeroed, its value bias e₀) and its output
  /// rows write 60·û (û the answer's unit embedding) into the residual stream, while layer 1's
  /// ungated output bias writes −30·û: the answer wins only when the head's gate is near 1.
  static func plant(_ model: TransformerModel) {
    let C = model.config.modelDim, HS = model.config.headDim, h = planted.head
    let p = model.parameters
    let qkvW = p.pointer(.block(planted.layer, .qkvWeight)), qkvB = p.pointer(.block(planted.layer, .qkvBias))
    let outW = p.pointer(.block(planted.layer, .attnOutWeight)), outB = p.pointer(.block(planted.layer, .attnOutBias))
    let embedding = p.pointer(.tokenEmbedding)
    for j in 0..<HS {
      for row in 0..<C { qkvW[row * 3 * C + 2 * C + h * HS + j] = 0 }  // [C, 3C]
      qkvB[2 * C + h * HS + j] = j == 0 ? 1 : 0
      for c in 0..<C { outW[(h * HS + j) * C + c] = 0 }  // [C, C], head h's rows
    }
    let direction = (0..<C).map { embedding[answer * C + $0] }  // [C]
    let norm = direction.map { $0 * $0 }.reduce(0, +).squareRoot()
    for c in 0..<C {
      outW[(h * HS) * C + c] = 60 * direction[c] / norm
      outB[c] -= 30 * direction[c] / norm
    }
  }

  func testPlantedHeadIsFacilitating() throws {
    let subject = try TinySubject.load()
    Self.plant(subject.model)
    let groups = try groups(subject)
    // The planting works: zero-ablating the head costs the answer much log-probability.
    let full = try HeadAblation.heads([], subject: subject, groups: groups, metric: MetricChoice(.logProbability))
    let without = try HeadAblation.heads([Self.planted], subject: subject, groups: groups, metric: MetricChoice(.logProbability))
    let gap = try XCTUnwrap(full.values[].number) - XCTUnwrap(without.values[].number)
    XCTAssertGreaterThan(gap, 5, "the planted head carries the answer")

    let results = try CausalHeadGating.run(subject: subject, groups: groups, settings: settings)
    let labels = results.first { $0.kind == "chg.labels" }!
    let scores = results.first { $0.kind == "chg.scores" }!
    XCTAssertEqual(labels.values[1, 2], .token("facilitating"))
    XCTAssertEqual(labels.params["agreement"]?.arrayValue?[1].arrayValue?[2], .integer(2), "both restarts agree")
    XCTAssertGreaterThan(try XCTUnwrap(scores.values[0, 1, 2].number), 0.9, "facilitation = G- stays near 1 under removal pressure")
  }

  /// The unplanted model does not make head 1.2 facilitating on the same prompts and settings (the
  /// planted test is not passing by accident).
  func testUnplantedHeadIsNotFacilitating() throws {
    let subject = try TinySubject.load()
    let results = try CausalHeadGating.run(subject: subject, groups: try groups(subject), settings: settings)
    XCTAssertNotEqual(results.first { $0.kind == "chg.labels" }!.values[1, 2], .token("facilitating"))
  }

  /// chg.validation's variants equal `HeadAblation` zero-ablating the non-facilitating heads, and
  /// the interfering heads (logit difference).
  func testValidationEqualsHeadAblation() throws {
    let subject = try TinySubject.load()
    let groups = try groups(subject)
    let results = try CausalHeadGating.run(subject: subject, groups: groups, settings: settings)
    let labels = results.first { $0.kind == "chg.labels" }!
    let validation = results.first { $0.kind == "chg.validation" }!
    XCTAssertEqual(validation.metric?.name, "logit_diff")
    let heads = (0..<8).map { HeadIndex($0 / 4, $0 % 4) }
    let role = { (head: HeadIndex) in labels.values[head.layer, head.head] }
    let notFacilitating = heads.filter { role($0) != .token("facilitating") }
    let interfering = heads.filter { role($0) == .token("interfering") }
    XCTAssertFalse(notFacilitating.isEmpty)
    let expected = try [[], notFacilitating, interfering].map { try XCTUnwrap(HeadAblation.heads($0, subject: subject, groups: groups).values[].number) }
    for (i, name) in ["full", "facilitating_only", "interfering_removed"].enumerated() {
      XCTAssertEqual(try XCTUnwrap(validation.values[i].number), expected[i], accuracy: 1e-5, name)
    }
  }
}
