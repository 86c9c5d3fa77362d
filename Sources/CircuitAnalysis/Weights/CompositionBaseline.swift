import Foundation
import TransformerEngine

/// The composition score of random matrices of a model's shapes, so that a score can be read as
/// above chance (Elhage et al. 2021 compare composition scores with those of random matrices):
/// each sample draws W_V, W_A' [C, HS] and W_O, W_B' [HS, C] with independent N(0, 1) entries and
/// scores W_V W_O into W_A' W_B' (`FactoredMatrix.compositionScore`). The score does not depend
/// on the entries' scale, and Q, K and V composition have the same shapes, so one baseline serves
/// all three. Sample i draws from SplitMix64(seed + i·golden ratio), so the baseline depends
/// only on (C, HS, samples, seed), not on threads.
public struct CompositionBaseline: Sendable, Equatable {
  public let samples: Int
  public let seed: UInt64
  /// Every sample's score, ascending.
  public let scores: [Double]

  public static let reportedPercentiles: [Double] = [50, 90, 95, 99]

  /// The baseline of the last `cached(...)` calls, keyed by (C, HS, samples, seed).
  nonisolated(unsafe) private static var cache: [[UInt64]: CompositionBaseline] = [:]
  private static let cacheLock = NSLock()

  /// `compute`, remembered for the process: a baseline depends only on its four arguments, and
  /// the workbench asks for q, k and v one after another.
  public static func cached(modelDim C: Int, headDim HS: Int, samples: Int = 1000, seed: UInt64 = 0) throws -> CompositionBaseline {
    let key = [UInt64(C), UInt64(HS), UInt64(max(0, samples)), seed]
    if let hit = cacheLock.withLock({ cache[key] }) { return hit }
    let baseline = try compute(modelDim: C, headDim: HS, samples: samples, seed: seed)
    cacheLock.withLock { cache[key] = baseline }
    return baseline
  }

  public static func compute(modelDim C: Int, headDim HS: Int, samples: Int = 1000, seed: UInt64 = 0) throws -> CompositionBaseline {
    guard samples >= 1 else { throw AnalysisError.invalidArgument("the random baseline needs at least 1 sample, got \(samples)") }
    let slots = UnsafeMutableBufferPointer<Double>.allocate(capacity: samples)
    defer { slots.deallocate() }
    slots.initialize(repeating: .nan)
    // The samples run on every core, each on one BLAS thread: small products on threads of their
    // own would only oversubscribe the cores (3x slower measured on 2 cores).
    let threads = BLAS.threadCount
    BLAS.threadCount = 1
    defer { BLAS.threadCount = threads }
    DispatchQueue.concurrentPerform(iterations: samples) { i in
      var generator = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
      func draw(_ rows: Int, _ columns: Int) -> [Float] { gaussians(rows * columns, &generator) }
      let sender = FactoredMatrix(left: draw(C, HS), right: draw(HS, C), rows: C, inner: HS, columns: C)
      let receiver = FactoredMatrix(left: draw(C, HS), right: draw(HS, C), rows: C, inner: HS, columns: C)
      // A failure (non-finite values, LAPACK) leaves the slot NaN, reported below.
      slots[i] = ((try? sender.compositionScore(into: receiver)) ?? nil) ?? .nan
    }
    let scores = Array(slots).sorted()
    guard scores.allSatisfy(\.isFinite) else { throw AnalysisError.nonFinite("\(scores.filter { !$0.isFinite }.count) of \(samples) random composition scores") }
    return CompositionBaseline(samples: samples, seed: seed, scores: scores)
  }

  public var mean: Double { scores.reduce(0, +) / Double(samples) }

  public var standardDeviation: Double {
    guard samples > 1 else { return 0 }
    let m = mean
    return (scores.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(samples - 1)).squareRoot()
  }

  /// The p-th percentile (0...100), linear between order statistics (numpy's default).
  public func percentile(_ p: Double) -> Double {
    let position = p / 100 * Double(samples - 1)
    let below = Int(position.rounded(.down)), above = min(samples - 1, below + 1)
    return scores[below] + (position - Double(below)) * (scores[above] - scores[below])
  }

  var params: JSONValue {
    [
      "samples": .integer(samples), "seed": .integer(Int(truncatingIfNeeded: seed)),
      "mean": .number(mean), "standard_deviation": .number(standardDeviation),
      "percentiles": .object(Dictionary(uniqueKeysWithValues: Self.reportedPercentiles.map { (String(Int($0)), JSONValue.number(percentile($0))) })),
      "distribution": "W_V, W_O of the sender and W_A', W_B' of the receiver with i.i.d. N(0, 1) entries, the model's shapes; sample i from SplitMix64(seed + i * 0x9E3779B97F4A7C15), Box-Muller on 24-bit uniforms",
    ]
  }

  /// `count` standard normal samples, two per 64-bit draw (Box-Muller in Float on two 24-bit
  /// uniforms; |z| < 5.8, which the baseline's percentiles do not feel).
  static func gaussians(_ count: Int, _ generator: inout SplitMix64) -> [Float] {
    var out = [Float](repeating: 0, count: count)
    let scale: Float = 1 / Float(1 << 24)
    var i = 0
    while i < count {
      let bits = generator.next()
      let u1 = Float((bits >> 40) + 1) * scale, u2 = Float((bits >> 8) & 0xFF_FFFF) * scale  // (0, 1], [0, 1)
      let radius = (-2 * logf(u1)).squareRoot(), angle = 2 * Float.pi * u2
      out[i] = radius * cosf(angle)
      if i + 1 < count { out[i + 1] = radius * sinf(angle) }
      i += 2
    }
    return out
  }
}
