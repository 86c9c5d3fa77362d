import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// The mod-10 probe of the successor-head report (Gould et al. 2024, section 4) against the numpy
/// reference of scripts/make_successor_probe_fixtures.py (references/successor-probe.json): a
/// synthetic 64 × 12 feature matrix, ridge one-vs-rest, leave one decade out, seeded shuffles.
final class SuccessorProbeTests: XCTestCase {
  struct Reference: Decodable {
    struct Shuffle: Decodable {
      let labels: [Int]
      let held_out_predictions: [Int]
      let held_out_accuracy: Double
      let training_accuracy: Double
    }
    let alpha: Double, seed: Int, shuffles: Int
    let indices: [Int]
    let features: [[Double]]
    let held_out_scores: [[Double]]
    let held_out_predictions: [Int]
    let held_out_accuracy: Double
    let training_accuracy: Double
    let shuffled: [Shuffle]
  }

  /// Held-out class scores, absolute: numpy solves the dual normal equations (N × N), Swift the
  /// primal ones (C × C) by Cholesky, both in Float64.
  static let scoreTolerance = 1e-9

  func reference() throws -> Reference {
    let url = Fixtures.resources(in: .module).appendingPathComponent("references/successor-probe.json")
    return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
  }

  func testHeldOutScoresAndPredictionsMatchNumpy() throws {
    let r = try reference()
    let probe = ModTenProbe(features: r.features.flatMap { $0 }, C: r.features[0].count, indices: r.indices, alpha: r.alpha)
    let (predictions, scores) = try probe.heldOut(labels: probe.labels)
    var worst = 0.0
    for n in r.indices.indices {
      for k in 0..<10 {
        let d = abs(scores[n][k] - r.held_out_scores[n][k])
        worst = max(worst, d)
        XCTAssertLessThanOrEqual(d, Self.scoreTolerance, "held-out score of row \(n) (index \(r.indices[n])), class \(k)")
      }
    }
    print("mod-10 probe vs numpy: max |Δscore| \(worst)")
    XCTAssertEqual(predictions, r.held_out_predictions)
    XCTAssertEqual(ModTenProbe.accuracy(predictions, probe.labels), r.held_out_accuracy, accuracy: 1e-15)
    XCTAssertEqual(try probe.trainingAccuracy(labels: probe.labels), r.training_accuracy, accuracy: 1e-15)
  }

  func testShuffledLabelsAndTheirProbesMatchNumpy() throws {
    let r = try reference()
    let probe = ModTenProbe(features: r.features.flatMap { $0 }, C: r.features[0].count, indices: r.indices, alpha: r.alpha)
    let shuffles = ModTenProbe.shuffles(of: probe.labels, count: r.shuffles, seed: UInt64(r.seed))
    XCTAssertEqual(shuffles, r.shuffled.map(\.labels))
    for (s, expected) in r.shuffled.enumerated() {
      let predictions = try probe.heldOut(labels: shuffles[s]).predictions
      XCTAssertEqual(predictions, expected.held_out_predictions, "shuffle \(s)")
      XCTAssertEqual(try probe.trainingAccuracy(labels: shuffles[s]), expected.training_accuracy, accuracy: 1e-15, "shuffle \(s)")
    }
  }

  /// Planted mod-10 structure: each token is its residue's direction plus noise in 64 dimensions,
  /// 40 tokens. The probe recovers the residue on held-out decades; on shuffled labels it fits its
  /// training set far better than it predicts held-out decades (the reason the report shows both).
  func testPlantedModTenStructureIsFoundAndShuffledLabelsAreNot() throws {
    let N = 40, C = 64
    var generator = SplitMix64(seed: 11)
    func normal() -> Double {
      let u = Double(generator.next() >> 11) / Double(1 << 53) + 1e-12, v = Double(generator.next() >> 11) / Double(1 << 53)
      return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
    let indices = Array(1...N)
    let features = indices.flatMap { index in (0..<C).map { c in (c == index % 10 ? 3.0 : 0) + 0.5 * normal() } }
    let probe = ModTenProbe(features: features, C: C, indices: indices, alpha: 0.1)
    let heldOut = ModTenProbe.accuracy(try probe.heldOut(labels: probe.labels).predictions, probe.labels)
    XCTAssertGreaterThanOrEqual(heldOut, 0.9)
    let shuffles = ModTenProbe.shuffles(of: probe.labels, count: 10, seed: 1)
    let shuffledHeldOut = try shuffles.map { ModTenProbe.accuracy(try probe.heldOut(labels: $0).predictions, $0) }
    let shuffledTraining = try shuffles.map { try probe.trainingAccuracy(labels: $0) }
    let meanHeldOut = shuffledHeldOut.reduce(0, +) / 10, meanTraining = shuffledTraining.reduce(0, +) / 10
    print("planted mod-10: held-out \(heldOut); shuffled held-out \(meanHeldOut), shuffled training \(meanTraining)")
    XCTAssertLessThanOrEqual(meanHeldOut, 0.3, "shuffled labels are not predictable on held-out decades")
    XCTAssertGreaterThanOrEqual(meanTraining, 0.8, "40 points in 64 dimensions: the training set separates any labels")
  }

  func testProbeRejectsBadInput() {
    let probe = ModTenProbe(features: [1, 2, 3], C: 1, indices: [1, 2, 3], alpha: 0.1)
    XCTAssertThrowsError(try probe.heldOut(labels: probe.labels)) { XCTAssertTrue("\($0)".contains("two decades"), "\($0)") }
    let zeroAlpha = ModTenProbe(features: [1, 2], C: 1, indices: [1, 12], alpha: 0)
    XCTAssertThrowsError(try zeroAlpha.trainingAccuracy(labels: zeroAlpha.labels)) { XCTAssertTrue("\($0)".contains("α"), "\($0)") }
  }
}
