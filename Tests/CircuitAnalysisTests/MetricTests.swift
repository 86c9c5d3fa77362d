import CircuitAnalysis
import TransformerEngine
import XCTest

/// Metrics against direct Double computations, and their gradients against finite differences.
final class MetricTests: XCTestCase {
  // Two rows of logits over V = 5 at one position: [B=2, P=1, V=5].
  let logits = Tensor(shape: [2, 1, 5], values: [1.0, -2.0, 0.5, 3.0, 0.0, -1.0, 2.5, 2.5, 0.1, -0.3])

  func logProbabilities(_ row: [Double]) -> [Double] {
    let m = row.max()!
    let z = row.map { exp($0 - m) }.reduce(0, +)
    return row.map { $0 - m - log(z) }
  }

  func row(_ b: Int) -> [Double] { (0..<5).map { Double(logits.values[b * 5 + $0]) } }

  func testValuesPerRow() throws {
    XCTAssertEqual(try Metric.logitDifference(answers: [3, 1], wrongs: [0, 2]).perRow(logits), [2.0, 0.0])
    let lp = try Metric.logProbability(of: [3, 1]).perRow(logits)
    XCTAssertEqual(lp[0], logProbabilities(row(0))[3], accuracy: 1e-6)
    XCTAssertEqual(lp[1], logProbabilities(row(1))[1], accuracy: 1e-6)
    let p = try Metric.probability(of: [3, 1]).perRow(logits)
    XCTAssertEqual(p[1], exp(logProbabilities(row(1))[1]), accuracy: 1e-6)
    // Top-k: token 2 ties with token 1 in row 1; ties go to the lower id, so 2 is second.
    XCTAssertEqual(try Metric.topKAccuracy(answers: [3, 2], k: 1).perRow(logits), [1, 0])
    XCTAssertEqual(try Metric.topKAccuracy(answers: [3, 2], k: 2).perRow(logits), [1, 1])
    // KL to itself is 0; to another distribution it is Σ p (log p − log q).
    XCTAssertEqual(try Metric.klDivergence(referenceLogits: logits).perRow(logits), [0, 0])
    let reference = Tensor(shape: [2, 1, 5], values: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    let kl = try Metric.klDivergence(referenceLogits: reference).perRow(logits)
    let q = logProbabilities(row(0)), uniform = log(0.2)
    XCTAssertEqual(kl[0], (0..<5).map { 0.2 * (uniform - q[$0]) }.reduce(0, +), accuracy: 1e-6)
    // Loss over two positions of one row: mean next-token cross-entropy, -1 skips.
    let two = Tensor(shape: [1, 2, 5], values: Array(logits.values))
    let loss = try Metric.loss(targets: [[3, -1]]).perRow(two)
    XCTAssertEqual(loss[0], -logProbabilities(row(0))[3], accuracy: 1e-6)
  }

  func testNonFiniteLogitsAreRefused() {
    var bad = logits
    bad.values[7] = .infinity
    XCTAssertThrowsError(try Metric.logitDifference(answers: [3, 1], wrongs: [0, 2]).perRow(bad)) {
      XCTAssertTrue("\($0)".contains("row 1"), "\($0)")
    }
  }

  /// Every differentiable metric's objective gradient equals central finite differences of its mean.
  func testObjectiveGradientsMatchFiniteDifferences() throws {
    let reference = Tensor(shape: [2, 1, 5], values: [0.3, 0, -0.2, 0.1, 0, 1, 0.5, -1, 0, 0.2])
    let metrics: [(String, Metric)] = [
      ("logit_diff", .logitDifference(answers: [3, 1], wrongs: [0, 2])), ("logprob", .logProbability(of: [3, 1])),
      ("prob", .probability(of: [3, 1])), ("kl", .klDivergence(referenceLogits: reference)),
    ]
    for (name, metric) in metrics {
      let (value, gradient) = try metric.objective()(logits)
      XCTAssertEqual(Double(value), try metric.mean(logits), accuracy: 1e-5, name)
      for i in 0..<logits.count {
        var plus = logits, minus = logits
        plus.values[i] += 1e-2
        minus.values[i] -= 1e-2
        let numeric = (try metric.mean(plus) - metric.mean(minus)) / 2e-2
        XCTAssertEqual(Double(gradient.values[i]), numeric, accuracy: 1e-3, "\(name) element \(i)")
      }
    }
    XCTAssertThrowsError(try Metric.topKAccuracy(answers: [3, 1], k: 1).objective())
  }

  func testNormalisedScore() throws {
    XCTAssertEqual(try normalisedPatchingScore(1.5, clean: 3, corrupted: 0), 0.5)
    XCTAssertThrowsError(try normalisedPatchingScore(1, clean: 2, corrupted: 2))
  }
}
