/// The mean and standard error over restarts of per-head values [K][n] (the spread of causal head
/// gating's K random restarts, Nam et al. 2025).
struct RestartSpread {
  var mean: [Double]
  /// sd / √K with the K − 1 denominator; nil for a single restart.
  var stderr: [Double]?
  var minimum: [Double]
  var maximum: [Double]

  init(_ values: [[Double]]) {
    let K = values.count, n = values[0].count
    mean = (0..<n).map { i in values.map { $0[i] }.reduce(0, +) / Double(K) }
    minimum = (0..<n).map { i in values.map { $0[i] }.min()! }
    maximum = (0..<n).map { i in values.map { $0[i] }.max()! }
    guard K > 1 else { stderr = nil; return }
    stderr = (0..<n).map { i in
      let m = values.map { $0[i] }.reduce(0, +) / Double(K)
      let variance = values.map { ($0[i] - m) * ($0[i] - m) }.reduce(0, +) / Double(K - 1)
      return (variance / Double(K)).squareRoot()
    }
  }
}
