import HeadLabTestSupport
import TransformerEngine
import XCTest

/// `BLAS.matmul` against a Float64 reference, over shapes that take the small-row kernels
/// (edges, strides, accumulation, transposed B) and OpenBLAS.
final class MatmulTests: XCTestCase {
  func reference(_ a: [Float], lda: Int, _ b: [Float], ldb: Int, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float) -> [Double] {
    var out = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var s = 0.0
        for p in 0..<k { s += Double(a[i * lda + p]) * Double(transposeB ? b[j * ldb + p] : b[p * ldb + j]) }
        out[i * n + j] = Double(alpha) * s
      }
    }
    return out
  }

  func testAgainstFloat64Reference() {
    let shapes: [(m: Int, n: Int, k: Int)] = [(1, 64, 64), (4, 128, 96), (7, 100, 70), (20, 2304, 768), (32, 65, 64), (33, 70, 80), (3, 40, 10)]
    for (index, shape) in shapes.enumerated() {
      for transposeB in [false, true] {
        for accumulate in [false, true] {
          let (m, n, k) = shape
          let lda = k + 3, ldb = (transposeB ? k : n) + 5, ldc = n + 2
          let a = seededValues(m * lda, seed: UInt64(index * 10 + 1))
          let b = seededValues((transposeB ? n : k) * ldb, seed: UInt64(index * 10 + 2))
          let initial = seededValues(m * ldc, seed: UInt64(index * 10 + 3))
          var c = initial
          let alpha: Float = transposeB ? 0.5 : 1
          a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
              c.withUnsafeMutableBufferPointer { pc in
                BLAS.matmul(pa.baseAddress!, lda: lda, pb.baseAddress!, transposeB: transposeB, ldb: ldb,
                            into: pc.baseAddress!, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: accumulate ? 1 : 0)
              }
            }
          }
          let expected = reference(a, lda: lda, b, ldb: ldb, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha)
          var worst = 0.0
          for i in 0..<m {
            for j in 0..<n {
              let e = expected[i * n + j] + (accumulate ? Double(initial[i * ldc + j]) : 0)
              worst = max(worst, abs(Double(c[i * ldc + j]) - e))
            }
            // Padding columns beyond n are untouched.
            if ldc > n { XCTAssertEqual(c[i * ldc + n], initial[i * ldc + n]) }
          }
          XCTAssertLessThan(worst, 1e-4 * Double(k).squareRoot(), "m\(m) n\(n) k\(k) transposeB \(transposeB) accumulate \(accumulate)")
        }
      }
    }
  }
}
