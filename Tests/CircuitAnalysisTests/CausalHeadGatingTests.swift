import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Causal head gating (Nam et al. 2025, arXiv 2505.13737) against the PyTorch/TransformerLens 3.9
/// reference of scripts/make_chg_fixtures.py on models/tiny-f32 (references/chg-tiny-f32.json):
/// the same fixed start θ, batch, settings and three Adam stages.
final class CausalHeadGatingTests: XCTestCase {
  struct Reference: Decodable {
    struct Settings: Decodable {
      let restarts: Int, steps_per_stage: Int, learning_rate: Double, lambda: Double, clamp: Double, clip_norm: Double, threshold: Double
    }
    let settings: Settings
    let tokens: [[Int]]
    let answers: [Int]
    let wrongs: [Int]
    let initial_theta: [[Double]]
    let theta: [String: [[Double]]]
    let loss: [[[Double]]]
    let scores: [String: [Double]]
    let labels: [String]
    struct Minibatch: Decodable {
      let batch_size: Int, seed: Int
      let initial_theta: [[Double]]
      let theta: [String: [[Double]]]
      let loss: [[[Double]]]
    }
    let minibatch: Minibatch
  }

  /// θ after each stage, within this absolute tolerance of PyTorch's (float32 forward/backward in
  /// both; Adam's normalised steps at lr 1.0 carry the float32 gradient differences into θ).
  static let thetaTolerance = 1e-4
  /// The loss of every step, relative.
  static let lossTolerance = 1e-5

  var subject: AnalysisSubject!
  var reference: Reference!
  var groups: [PromptPairBatch]!
  var settings = CHGSettings()

  override func setUpWithError() throws {
    subject = try TinySubject.load()
    let url = Fixtures.resources(in: .module).appendingPathComponent("references/chg-tiny-f32.json")
    reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    groups = [try PromptPairBatch(clean: reference.tokens, corrupted: reference.tokens, answers: reference.answers, wrongs: reference.wrongs, tokenText: subject.tokenText)]
    let s = reference.settings
    settings.restarts = s.restarts
    settings.stepsPerStage = s.steps_per_stage
    settings.learningRate = s.learning_rate
    settings.lambda = s.lambda
    settings.clamp = s.clamp
    settings.clipNorm = s.clip_norm
    settings.threshold = s.threshold
    settings.batchSize = reference.tokens.count
    settings.initialTheta = reference.initial_theta
  }

  func testThetaAfterEachStageAndLossPerStepMatchPyTorch() throws {
    let fit = try CausalHeadGating.fit(subject: subject, groups: groups, settings: settings)
    try assertMatches(fit, theta: reference.theta, loss: reference.loss)
  }

  /// One restart, 3 of the 4 prompts per step in GatingRows' seeded order (which the script
  /// replicates): the minibatch path matches PyTorch too.
  func testMinibatchFitMatchesPyTorch() throws {
    let case_ = reference.minibatch
    settings.restarts = 1
    settings.batchSize = case_.batch_size
    settings.seed = UInt64(case_.seed)
    settings.initialTheta = case_.initial_theta
    let fit = try CausalHeadGating.fit(subject: subject, groups: groups, settings: settings)
    try assertMatches(fit, theta: case_.theta, loss: case_.loss)
  }

  func assertMatches(_ fit: GateFit, theta: [String: [[Double]]], loss: [[[Double]]], file: StaticString = #filePath, line: UInt = #line) throws {
    var worstTheta = 0.0, worstLoss = 0.0
    for stage in fit.stages {
      let expected = try XCTUnwrap(theta[stage.rawValue]), got = try XCTUnwrap(fit.theta[stage.rawValue])
      for k in expected.indices {
        for i in expected[k].indices {
          let d = abs(got[k][i] - expected[k][i])
          worstTheta = max(worstTheta, d)
          XCTAssertLessThanOrEqual(d, Self.thetaTolerance, "θ of restart \(k), head \(i / 4).\(i % 4) after \(stage.rawValue): \(got[k][i]) vs \(expected[k][i])", file: file, line: line)
        }
      }
    }
    for (s, stage) in loss.enumerated() {
      for (step, perRestart) in stage.enumerated() {
        for (k, expected) in perRestart.enumerated() {
          let d = abs(fit.losses[s][step][k] - expected) / abs(expected)
          worstLoss = max(worstLoss, d)
          XCTAssertLessThanOrEqual(d, Self.lossTolerance, "loss of stage \(s), step \(step), restart \(k): \(fit.losses[s][step][k]) vs \(expected)", file: file, line: line)
        }
      }
    }
    print("CHG vs PyTorch: max |Δθ| \(worstTheta), max relative Δloss \(worstLoss)")
  }

  func testScoresAndLabelsMatchPyTorch() throws {
    let results = try CausalHeadGating.run(subject: subject, groups: groups, settings: settings)
    XCTAssertEqual(results.map(\.kind), ["chg.scores", "chg.gates", "chg.gates.restarts", "chg.labels", "chg.loss", "chg.validation"])
    assertValidResults(results)
    let scores = results[0]
    XCTAssertEqual(scores.axes.map(\.name), ["score", "layer", "head"])
    for (s, name) in ["facilitation", "interference", "irrelevance"].enumerated() {
      let expected = try XCTUnwrap(reference.scores[name])
      for i in 0..<8 {
        XCTAssertEqual(try XCTUnwrap(scores.values[s, i / 4, i % 4].number), expected[i], accuracy: 1e-5, "\(name) of head \(i / 4).\(i % 4)")
      }
    }
    XCTAssertEqual(results[3].values.cells, reference.labels.map { .token($0) })
    XCTAssertNotNil(results[0].params["scores_unverified"]?.stringValue?.range(of: "UNVERIFIED"))
    let counts = try XCTUnwrap(results[3].params["counts"])
    XCTAssertEqual(HeadRole.allCases.map { Int(counts[$0.rawValue]?.doubleValue ?? -1) }.reduce(0, +), 8)
  }

  /// Progress counts optimisation steps over the three stages; cancelling stops the fit.
  func testProgressCountsStepsAndCancellationStops() throws {
    final class Updates: @unchecked Sendable {
      var seen: [(Int, Int)] = []
      weak var cancelling: AnalysisProgress?
    }
    let updates = Updates()
    var progress = AnalysisProgress { done, total in updates.seen.append((done, total)) }
    _ = try CausalHeadGating.fit(subject: subject, groups: groups, settings: settings, progress: progress)
    XCTAssertEqual(updates.seen.last?.0, 3 * settings.stepsPerStage)
    XCTAssertEqual(updates.seen.last?.1, 3 * settings.stepsPerStage)
    progress = AnalysisProgress { done, _ in if done == 5 { updates.cancelling?.cancel() } }
    updates.cancelling = progress
    XCTAssertThrowsError(try CausalHeadGating.run(subject: subject, groups: groups, settings: settings, progress: progress)) { error in
      XCTAssertEqual("\(error)", "\(AnalysisError.cancelled(completed: 5, total: 3 * self.settings.stepsPerStage))")
    }
  }

  /// The taxonomy's four quadrants at the threshold (papers.md section 1, not the fork's inverted
  /// labels), and the scores summing to 1.
  func testRolesByQuadrantAndScoresSumToOne() {
    XCTAssertEqual(HeadRole(keep: 0.9, remove: 0.8), .facilitating)
    XCTAssertEqual(HeadRole(keep: 0.1, remove: 0.2), .interfering)
    XCTAssertEqual(HeadRole(keep: 0.9, remove: 0.1), .irrelevant)
    XCTAssertEqual(HeadRole(keep: 0.3, remove: 0.6), .ambiguous)
    XCTAssertEqual(HeadRole(keep: 0.5, remove: 0.5), .facilitating, "0.5 counts as on")
    XCTAssertEqual(HeadRole(keep: 0.7, remove: 0.6, threshold: 0.65), .irrelevant)
    for (keep, remove) in [(0.9, 0.8), (0.2, 0.7), (1.0, 0.0)] {
      XCTAssertEqual(GateScore.allCases.map { $0.value(keep: keep, remove: remove) }.reduce(0, +), 1, accuracy: 1e-15)
    }
    XCTAssertEqual(GateScore.facilitation.value(keep: 0.9, remove: 0.8), 0.8)
    XCTAssertEqual(GateScore.interference.value(keep: 0.9, remove: 0.8), 0.1, accuracy: 1e-15)
  }
}
