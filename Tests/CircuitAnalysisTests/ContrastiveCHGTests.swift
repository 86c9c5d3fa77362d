import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Contrastive causal head gating (Nam et al. 2025; the official `ContrastiveCHGTrainer`,
/// papers.md section 1) against the PyTorch/TransformerLens reference of
/// scripts/make_chg_fixtures.py (references/chg-contrastive-tiny-f32.json), and on a planted head.
final class ContrastiveCHGTests: XCTestCase {
  struct Reference: Decodable {
    struct Settings: Decodable {
      let restarts: Int, steps: Int, learning_rate: Double, learning_rate_end: Double, lambda: Double, clamp: Double, clip_norm: Double, max_difference: Double
    }
    struct Rows: Decodable {
      let tokens: [[Int]], answers: [Int], wrongs: [Int]
    }
    let settings: Settings
    let positive: Rows
    let negative: Rows
    let initial_theta: [[Double]]
    let theta: [[Double]]
    let loss: [[Double]]
  }

  /// θ after the 10 updates, absolute (float32 forward and backward in both).
  static let thetaTolerance = 1e-4
  /// The loss of every step, relative.
  static let lossTolerance = 1e-5

  func batch(_ rows: Reference.Rows, _ subject: AnalysisSubject) throws -> [PromptPairBatch] {
    [try PromptPairBatch(clean: rows.tokens, corrupted: rows.tokens, answers: rows.answers, wrongs: rows.wrongs, tokenText: subject.tokenText)]
  }

  func testContrastiveFitMatchesPyTorch() throws {
    let subject = try TinySubject.load()
    let url = Fixtures.resources(in: .module).appendingPathComponent("references/chg-contrastive-tiny-f32.json")
    let r = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    var settings = CHGSettings.contrastive
    settings.objective = .contrastive(maxDifference: r.settings.max_difference)
    settings.restarts = r.settings.restarts
    settings.stepsPerStage = r.settings.steps
    settings.learningRate = r.settings.learning_rate
    settings.learningRateEnd = r.settings.learning_rate_end
    settings.lambda = r.settings.lambda
    settings.clamp = r.settings.clamp
    settings.clipNorm = r.settings.clip_norm
    settings.batchSize = r.positive.tokens.count
    settings.initialTheta = r.initial_theta
    let fit = try CausalHeadGating.fit(subject: subject, groups: try batch(r.positive, subject), negative: try batch(r.negative, subject), settings: settings)
    XCTAssertEqual(fit.stages, [.contrastive])
    let theta = try XCTUnwrap(fit.theta["contrastive"])
    var worstTheta = 0.0, worstGate = 0.0, worstLoss = 0.0
    for k in r.theta.indices {
      for i in r.theta[k].indices {
        let d = abs(theta[k][i] - r.theta[k][i])
        worstTheta = max(worstTheta, d)
        worstGate = max(worstGate, abs(fit.gates(.contrastive)[k][i] - 1 / (1 + exp(-r.theta[k][i]))))
        XCTAssertLessThanOrEqual(d, Self.thetaTolerance, "θ of restart \(k), head \(i / 4).\(i % 4): \(theta[k][i]) vs \(r.theta[k][i])")
      }
    }
    for (step, perRestart) in r.loss.enumerated() {
      for (k, expected) in perRestart.enumerated() {
        let d = abs(fit.losses[0][step][k] - expected) / abs(expected)
        worstLoss = max(worstLoss, d)
        XCTAssertLessThanOrEqual(d, Self.lossTolerance, "loss of step \(step), restart \(k): \(fit.losses[0][step][k]) vs \(expected)")
      }
    }
    XCTAssertLessThanOrEqual(worstGate, Self.thetaTolerance)
    print("contrastive CHG vs PyTorch: max |Δθ| \(worstTheta), max |ΔG| \(worstGate), max relative Δloss \(worstLoss)")
  }

  // MARK: - A planted head

  /// Head 1.2 planted (`CHGPlantedHeadTests.plant`) to carry token 100: it is needed for answer
  /// 100 and only hurts the repeated-name answer A.
  func sets(_ subject: AnalysisSubject) throws -> (names: [PromptPairBatch], hundred: [PromptPairBatch]) {
    let prompts = CHGPlantedHeadTests.prompts
    let names = try PromptPairBatch(clean: prompts, corrupted: prompts, answers: prompts.map { $0[1] }, wrongs: prompts.map { $0[3] }, tokenText: subject.tokenText)
    let hundred = try PromptPairBatch(clean: prompts, corrupted: prompts, answers: Array(repeating: 100, count: 4), wrongs: prompts.map { $0[1] }, tokenText: subject.tokenText)
    return ([names], [hundred])
  }

  var settings: CHGSettings {
    var s = CHGSettings.contrastive
    s.restarts = 2
    s.stepsPerStage = 60
    s.learningRate = 0.5
    s.learningRateEnd = 0.05
    s.seed = 3
    return s
  }

  /// Keeping the names while forgetting answer 100 removes the planted head; keeping 100 while
  /// forgetting the names keeps it. The sign of the contrastive term decides which.
  func testPlantedHeadIsRemovedOrKeptByWhichSetIsNegative() throws {
    let subject = try TinySubject.load()
    CHGPlantedHeadTests.plant(subject.model)
    let (names, hundred) = try sets(subject)
    let forget = try CausalHeadGating.run(subject: subject, groups: names, negative: hundred, settings: settings)
    XCTAssertEqual(forget.map(\.kind), ["chg.contrastive.gates", "chg.contrastive.gates.restarts", "chg.contrastive.labels", "chg.loss", "chg.contrastive.validation"])
    for r in forget { XCTAssertNoThrow(try r.validate(), r.kind) }
    XCTAssertEqual(forget[2].values[1, 2], .token("removed"))
    XCTAssertLessThan(try XCTUnwrap(forget[0].values[1, 2].number), 0.05)
    let keep = try CausalHeadGating.run(subject: subject, groups: hundred, negative: names, settings: settings)
    XCTAssertEqual(keep[2].values[1, 2], .token("kept"))
    XCTAssertGreaterThan(try XCTUnwrap(keep[0].values[1, 2].number), 0.8)
    // Validation [set, variant, measure]: the fitted gates lower the negative set's log-probability
    // of its answer more than the positive set's.
    let v = forget[4]
    let positiveDrop = try XCTUnwrap(v.values[0, 0, 0].number) - XCTUnwrap(v.values[0, 1, 0].number)
    let negativeDrop = try XCTUnwrap(v.values[1, 0, 0].number) - XCTUnwrap(v.values[1, 1, 0].number)
    XCTAssertGreaterThan(negativeDrop, positiveDrop + 1)
  }

  /// The contrastive term alone decides: with the negative set equal to the positive one the two
  /// log-probability terms cancel and only the keep pressure acts, so the planted head's gate rises;
  /// with answer 100 as the negative set it must fall far below that baseline.
  func testContrastiveTermLowersTheNegativeSetsHead() throws {
    let subject = try TinySubject.load()
    CHGPlantedHeadTests.plant(subject.model)
    let (names, hundred) = try sets(subject)
    let baseline = try CausalHeadGating.run(subject: subject, groups: names, negative: names, settings: settings)
    let forget = try CausalHeadGating.run(subject: subject, groups: names, negative: hundred, settings: settings)
    let kept = try XCTUnwrap(baseline[0].values[1, 2].number), forgotten = try XCTUnwrap(forget[0].values[1, 2].number)
    print("planted head 1.2's contrastive gate: \(kept) with the positive set as negative, \(forgotten) with answer 100 as negative")
    XCTAssertGreaterThan(kept, 0.9)
    XCTAssertLessThan(forgotten, kept - 0.5)
  }

  /// kept_only in the validation equals `HeadAblation` zero-ablating the removed heads.
  func testKeptOnlyValidationEqualsHeadAblation() throws {
    let subject = try TinySubject.load()
    CHGPlantedHeadTests.plant(subject.model)
    let (names, hundred) = try sets(subject)
    let results = try CausalHeadGating.run(subject: subject, groups: names, negative: hundred, settings: settings)
    let labels = results[2], validation = results[4]
    let removed = (0..<8).map { HeadIndex($0 / 4, $0 % 4) }.filter { labels.values[$0.layer, $0.head] == .token("removed") }
    for (s, groups) in [names, hundred].enumerated() {
      let full = try HeadAblation.heads([], subject: subject, groups: groups, metric: MetricChoice(.logProbability))
      let kept = try HeadAblation.heads(removed, subject: subject, groups: groups, metric: MetricChoice(.logProbability))
      XCTAssertEqual(try XCTUnwrap(validation.values[s, 0, 0].number), try XCTUnwrap(full.values[].number), accuracy: 1e-5, "set \(s) full")
      XCTAssertEqual(try XCTUnwrap(validation.values[s, 2, 0].number), try XCTUnwrap(kept.values[].number), accuracy: 1e-5, "set \(s) kept_only")
    }
  }

  func testBadInput() throws {
    let subject = try TinySubject.load()
    let (names, hundred) = try sets(subject)
    XCTAssertThrowsError(try CausalHeadGating.run(subject: subject, groups: names, settings: settings)) { XCTAssertTrue("\($0)".contains("negative prompt set"), "\($0)") }
    XCTAssertThrowsError(try CausalHeadGating.run(subject: subject, groups: names, negative: hundred, settings: CHGSettings())) {
      XCTAssertTrue("\($0)".contains("only read by contrastive"), "\($0)")
    }
    var bad = settings
    bad.objective = .contrastive(maxDifference: 0)
    XCTAssertThrowsError(try CausalHeadGating.run(subject: subject, groups: names, negative: hundred, settings: bad)) { XCTAssertTrue("\($0)".contains("max difference"), "\($0)") }
    // Sets of different sizes are paired up to the shorter one, and params say so.
    let six = try PromptPairBatch(clean: CHGPlantedHeadTests.prompts + CHGPlantedHeadTests.prompts.prefix(2), corrupted: CHGPlantedHeadTests.prompts + CHGPlantedHeadTests.prompts.prefix(2),
                                  answers: Array(repeating: 100, count: 6), wrongs: Array(repeating: 37, count: 6), tokenText: subject.tokenText)
    var short = settings
    short.stepsPerStage = 2
    let results = try CausalHeadGating.run(subject: subject, groups: names, negative: [six], settings: short)
    XCTAssertEqual(results[0].params["pairs_used"], .integer(4))
  }
}
