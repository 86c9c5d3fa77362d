import CircuitAnalysis
import HeadLabTestSupport
import XCTest

/// `FactoredMatrix` against the dense product computed here by plain loops in double.
final class FactoredMatrixTests: XCTestCase {
  func random(_ m: Int, _ r: Int, _ n: Int, seed: UInt64) -> FactoredMatrix {
    FactoredMatrix(left: seededValues(m * r, seed: seed), right: seededValues(r * n, seed: seed + 1), rows: m, inner: r, columns: n)
  }

  /// M [m, n] = A·B by loops.
  func dense(_ f: FactoredMatrix) -> [Double] {
    var out = [Double](repeating: 0, count: f.rows * f.columns)
    for i in 0..<f.rows {
      for j in 0..<f.columns {
        var s = 0.0
        for k in 0..<f.inner { s += Double(f.left[i * f.inner + k]) * Double(f.right[k * f.columns + j]) }
        out[i * f.columns + j] = s
      }
    }
    return out
  }

  /// A·B for square [n, n] matrices.
  func square(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
    var out = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { for k in 0..<n { out[i * n + j] += a[i * n + k] * b[k * n + j] } } }
    return out
  }

  func testTopKInBlocksEqualsSortingDenseRows() {
    let f = random(37, 5, 53, seed: 3)
    let m = dense(f)
    let rows = [0, 36, 5, 5, 20]
    for largest in [true, false] {
      // 3 rows per block: several blocks, the last one short.
      let top = f.topK(rows: rows, k: 7, largest: largest, blockElements: 3 * 53)
      for (r, i) in rows.enumerated() {
        let order = (0..<53).sorted { largest ? m[i * 53 + $0] > m[i * 53 + $1] : m[i * 53 + $0] < m[i * 53 + $1] }
        XCTAssertEqual(top[r].map(\.column), Array(order.prefix(7)), "row \(i) largest \(largest)")
        for e in top[r] { XCTAssertEqual(Double(e.value), m[i * 53 + e.column], accuracy: 1e-5) }
      }
    }
    let causal = f.topK(rows: [0, 2, 40 % 37], k: 4, columnLimit: { $0 + 1 })
    XCTAssertEqual(causal.map(\.count), [1, 3, 4])
    XCTAssertTrue(causal[1].allSatisfy { $0.column <= 2 })
  }

  func testSlicesTransposeAndRowsEqualTheDenseMatrix() {
    let f = random(9, 4, 11, seed: 10)
    let m = dense(f)
    let t = dense(f.transposed)
    for i in 0..<9 { for j in 0..<11 { XCTAssertEqual(t[j * 9 + i], m[i * 11 + j], accuracy: 1e-5) } }
    let s = dense(f.selectingRows([8, 2]).selectingColumns([10, 0, 3]))
    XCTAssertEqual(s.count, 6)
    for (a, i) in [8, 2].enumerated() { for (b, j) in [10, 0, 3].enumerated() { XCTAssertEqual(s[a * 3 + b], m[i * 11 + j], accuracy: 1e-5) } }
    for (j, v) in f.row(4).enumerated() { XCTAssertEqual(Double(v), m[4 * 11 + j], accuracy: 1e-5) }
    for (j, v) in f.dense().enumerated() { XCTAssertEqual(Double(v), m[j], accuracy: 1e-5) }
    let norms = f.rowNorms()
    for i in 0..<9 { XCTAssertEqual(norms[i], (0..<11).reduce(0.0) { $0 + m[i * 11 + $1] * m[i * 11 + $1] }.squareRoot(), accuracy: 1e-5) }
  }

  /// Σσ² = ‖M‖_F², Σσ⁴ = ‖MᵀM‖_F², Πσ² over r = det-free check via the Gram's trace powers;
  /// Σλ = tr M and Σλ² = tr M² for the eigenvalues.
  func testSpectraAgreeWithTracesOfTheDenseMatrix() throws {
    let f = random(12, 4, 12, seed: 20)
    let m = dense(f)
    func product(_ a: [Double], _ b: [Double]) -> [Double] { square(a, b, 12) }
    let mt = (0..<144).map { m[($0 % 12) * 12 + $0 / 12] }
    let gram = product(mt, m)
    let sigma = try f.singularValues()
    XCTAssertEqual(sigma.count, 4)
    XCTAssertEqual(sigma, sigma.sorted(by: >))
    XCTAssertEqual(sigma.reduce(0) { $0 + $1 * $1 }, m.reduce(0) { $0 + $1 * $1 }, accuracy: 1e-5)
    XCTAssertEqual(sigma.reduce(0) { $0 + pow($1, 4) }, gram.reduce(0) { $0 + $1 * $1 }, accuracy: 1e-4)
    XCTAssertEqual(try f.frobeniusNorm(), m.reduce(0) { $0 + $1 * $1 }.squareRoot(), accuracy: 1e-5)
    let lambdas = try f.eigenvalues()
    XCTAssertEqual(lambdas.count, 4)
    let trace = (0..<12).reduce(0.0) { $0 + m[$1 * 13] }
    let m2 = product(m, m)
    XCTAssertEqual(lambdas.reduce(0) { $0 + $1.real }, trace, accuracy: 1e-5)
    XCTAssertEqual(lambdas.reduce(0) { $0 + $1.imaginary }, 0, accuracy: 1e-9)
    XCTAssertEqual(lambdas.reduce(0) { $0 + $1.real * $1.real - $1.imaginary * $1.imaginary }, (0..<12).reduce(0.0) { $0 + m2[$1 * 13] }, accuracy: 1e-4)
    XCTAssertThrowsError(try random(3, 2, 4, seed: 1).eigenvalues())
    // A copying map (M = AAᵀ) scores 1, its negation -1.
    let a = seededValues(12, seed: 5)
    let copy = FactoredMatrix(left: a, right: (0..<12).map { a[($0 % 4) * 3 + $0 / 4] }, rows: 4, inner: 3, columns: 4)
    XCTAssertEqual(try copy.eigenvalueCopyingScore(), 1, accuracy: 1e-9)
    XCTAssertEqual(try FactoredMatrix(left: a.map { -$0 }, right: copy.right, rows: 4, inner: 3, columns: 4).eigenvalueCopyingScore(), -1, accuracy: 1e-9)
  }

  /// The composition score equals ‖M₁M₂‖_F / (‖M₁‖_F ‖M₂‖_F) of the dense matrices.
  func testCompositionScoreEqualsTheDenseRatio() throws {
    let first = random(10, 3, 10, seed: 30), second = random(10, 3, 10, seed: 40)
    let a = dense(first), b = dense(second)
    let ab = square(a, b, 10)
    func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    XCTAssertEqual(try XCTUnwrap(try first.compositionScore(into: second)), norm(ab) / norm(a) / norm(b), accuracy: 1e-6)
    let zero = FactoredMatrix(left: [Float](repeating: 0, count: 30), right: second.right, rows: 10, inner: 3, columns: 10)
    XCTAssertNil(try zero.compositionScore(into: second))
  }
}
