import Foundation

/// A linear probe fitted by ridge regression, one-vs-rest (the mod-10 check of Gould et al. 2024,
/// "Successor Heads", section 4, which confirms the mod-10 features of MLP0 outputs with linear
/// probes; papers.md section 2). Each class's score is a ridge regression of its 0/1 indicator on
/// the features with an unpenalised intercept; the prediction is the class with the largest score
/// (ties to the lower class). The closed form, in Float64:
///   μ = mean of the training rows, X̃ = X − μ, Ȳ = mean of the one-hot targets Y,
///   λ = α · tr(X̃ᵀX̃) / C  (α times the mean eigenvalue, so α does not depend on the features' scale),
///   W = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀ(Y − Ȳ),  score(x) = (x − μ) W + Ȳ.
/// scripts/make_successor_probe_fixtures.py computes the same with numpy.
struct RidgeProbe {
  let C: Int, classes: Int
  /// [C]
  let mean: [Double]
  /// [C, classes]
  let weights: [Double]
  /// Ȳ [classes]
  let intercept: [Double]

  /// Fits on `features` [N, C] (row-major) with labels in 0..<classes.
  init(features: [Double], C: Int, labels: [Int], classes: Int, alpha: Double) throws {
    let N = labels.count
    guard N >= 1, features.count == N * C else { throw AnalysisError.invalidArgument("the probe has \(features.count) feature values for \(N) rows of \(C)") }
    guard alpha > 0, alpha.isFinite else { throw AnalysisError.invalidArgument("the probe's ridge α must be positive, got \(alpha)") }
    if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) { throw AnalysisError.invalidArgument("probe label \(bad) is outside 0..<\(classes)") }
    self.C = C
    self.classes = classes
    var mean = [Double](repeating: 0, count: C)
    for n in 0..<N { for c in 0..<C { mean[c] += features[n * C + c] / Double(N) } }
    var intercept = [Double](repeating: 0, count: classes)
    for y in labels { intercept[y] += 1 / Double(N) }
    var centred = features  // [N, C]
    for n in 0..<N { for c in 0..<C { centred[n * C + c] -= mean[c] } }
    var gram = [Double](repeating: 0, count: C * C)  // [C, C] X̃ᵀX̃
    for n in 0..<N {
      for i in 0..<C {
        let xi = centred[n * C + i]
        if xi == 0 { continue }
        for j in 0..<C { gram[i * C + j] += xi * centred[n * C + j] }
      }
    }
    let trace = (0..<C).reduce(0.0) { $0 + gram[$1 * C + $1] }
    let lambda = trace > 0 ? alpha * trace / Double(C) : alpha
    for i in 0..<C { gram[i * C + i] += lambda }
    var right = [Double](repeating: 0, count: C * classes)  // [C, classes] X̃ᵀ(Y − Ȳ)
    for n in 0..<N {
      for i in 0..<C {
        let xi = centred[n * C + i]
        for k in 0..<classes { right[i * classes + k] += xi * ((labels[n] == k ? 1 : 0) - intercept[k]) }
      }
    }
    self.mean = mean
    self.intercept = intercept
    weights = try Cholesky.solve(gram, right, n: C, m: classes)
  }

  /// The class scores of one row x [C].
  func scores(_ x: ArraySlice<Double>) -> [Double] {
    var out = intercept
    for (c, value) in x.enumerated() {
      let centred = value - mean[c]
      for k in 0..<classes { out[k] += centred * weights[c * classes + k] }
    }
    return out
  }

  /// The predicted class of one row x [C]: the largest score, ties to the lower class.
  func predict(_ x: ArraySlice<Double>) -> Int {
    let s = scores(x)
    return s.indices.max { s[$0] < s[$1] || (s[$0] == s[$1] && $0 > $1) }!
  }
}

/// Solves A X = B for a symmetric positive-definite A [n, n] and B [n, m] (row-major) by the
/// Cholesky factorisation A = LLᵀ, in Float64.
enum Cholesky {
  static func solve(_ a: [Double], _ b: [Double], n: Int, m: Int) throws -> [Double] {
    var l = [Double](repeating: 0, count: n * n)  // [n, n] lower triangle
    for i in 0..<n {
      for j in 0...i {
        var sum = a[i * n + j]
        for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
        if i == j {
          guard sum > 0, sum.isFinite else { throw AnalysisError.nonFinite("the probe's regularised Gram matrix is not positive definite at row \(i)") }
          l[i * n + i] = sum.squareRoot()
        } else {
          l[i * n + j] = sum / l[j * n + j]
        }
      }
    }
    var x = b  // forward: L Y = B, then back: Lᵀ X = Y
    for col in 0..<m {
      for i in 0..<n {
        var sum = x[i * m + col]
        for k in 0..<i { sum -= l[i * n + k] * x[k * m + col] }
        x[i * m + col] = sum / l[i * n + i]
      }
      for i in stride(from: n - 1, through: 0, by: -1) {
        var sum = x[i * m + col]
        for k in (i + 1)..<n { sum -= l[k * n + i] * x[k * m + col] }
        x[i * m + col] = sum / l[i * n + i]
      }
    }
    return x
  }
}
