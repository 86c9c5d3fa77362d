import Foundation

/// Per-cell statistics of a metric over many prompts, kept as a count and Float64 sums so that
/// shards of one run merge into exactly the single run's numbers.
///
/// Exactness: each per-prompt value (and its square) is rounded to a multiple of 2^-24 before it is
/// added. Every partial sum is then an integer multiple of 2^-24 below 2^29 in magnitude, which a
/// Double holds exactly, so the sums do not depend on the order or grouping of the additions and a
/// merged result is bit-identical to the unsharded one. The rounding moves a value by at most
/// 3e-8, far below a float32 metric's own precision at the magnitudes metrics take.
public struct DatasetStatistics: Codable, Equatable, Sendable {
  /// The shape of one prompt's values (the result's axes).
  public private(set) var shape: [Int]
  public private(set) var count: Int
  public private(set) var sum: [Double]         // product(shape)
  public private(set) var sumSquares: [Double]  // product(shape)

  static let quantum = 0x1p-24

  public init(shape: [Int]) {
    self.shape = shape
    count = 0
    let n = shape.reduce(1, *)
    sum = Array(repeating: 0, count: n)
    sumSquares = Array(repeating: 0, count: n)
  }

  static func quantised(_ x: Double) -> Double { (x / quantum).rounded() * quantum }

  /// Adds one prompt's values (product(shape) numbers, row-major).
  public mutating func add(_ values: [Double]) {
    precondition(values.count == sum.count, "one prompt has \(sum.count) values, got \(values.count)")
    for i in values.indices {
      let x = DatasetStatistics.quantised(values[i])
      sum[i] += x
      sumSquares[i] += DatasetStatistics.quantised(x * x)
    }
    count += 1
  }

  /// The statistics of two shards of one run.
  public func merged(with other: DatasetStatistics) throws -> DatasetStatistics {
    guard shape == other.shape else {
      throw AnalysisError.incompatibleShards("value shapes \(shape) and \(other.shape) differ")
    }
    var out = self
    out.count += other.count
    for i in sum.indices {
      out.sum[i] += other.sum[i]
      out.sumSquares[i] += other.sumSquares[i]
    }
    return out
  }

  /// The mean of each cell.
  public var mean: [Double] { sum.map { $0 / Double(max(count, 1)) } }

  /// The standard error of each cell's mean: sample standard deviation / sqrt(count); 0 for one prompt.
  public var standardError: [Double] {
    guard count > 1 else { return Array(repeating: 0, count: sum.count) }
    let n = Double(count)
    return zip(sum, sumSquares).map { s, q in
      let variance = max(0, (q - s * s / n) / (n - 1))
      return (variance / n).squareRoot()
    }
  }

  enum CodingKeys: String, CodingKey {
    case shape, count, sum
    case sumSquares = "sum_squares"
  }
}
