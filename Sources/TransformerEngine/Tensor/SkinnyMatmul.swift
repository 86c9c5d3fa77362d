import Foundation

/// Products with few rows (a forward pass over a handful of tokens): C[M,N] = A[M,K]·B[K,N] (+ C).
///
/// For small M a forward pass is memory-bound: every weight is used by only M rows. OpenBLAS
/// packs the whole weight matrix into its own layout before multiplying, reading and writing
/// it once more than the product needs. These kernels stream each weight row once, keep a
/// 4-row × 64-column block of C in 16 vector registers, and split the columns across threads.
enum SkinnyMatmul {
  /// Rows up to which `BLAS.matmul` routes here.
  static let maximumRows = 32

  /// C[M,N] = A[M,K]·B[K,N] (+ C when `accumulate`), row-major with leading dimensions.
  static func multiply(
    _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
    into c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, accumulate: Bool
  ) {
    let blocks = (n + 63) / 64
    let threads = min(ParallelFor.threadCount, max(1, blocks / 4))
    ParallelFor.run(threads) { thread in
      let first = blocks * thread / threads, last = blocks * (thread + 1) / threads
      for block in first..<last {
        let n0 = block * 64
        let width = min(64, n - n0)
        var m0 = 0
        while m0 < m {
          let rows = min(4, m - m0)
          if rows == 4 && width == 64 {
            kernel4x64(a + m0 * lda, lda: lda, b + n0, ldb: ldb, c + m0 * ldc + n0, ldc: ldc, k: k, accumulate: accumulate)
          } else {
            edge(a + m0 * lda, lda: lda, b + n0, ldb: ldb, c + m0 * ldc + n0, ldc: ldc, rows: rows, width: width, k: k, accumulate: accumulate)
          }
          m0 += rows
        }
      }
    }
  }

  @inline(__always)
  private static func load(_ p: UnsafePointer<Float>) -> Float16x { UnsafeRawPointer(p).loadUnaligned(as: Float16x.self) }
  @inline(__always)
  private static func store(_ v: Float16x, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float16x.self) }

  /// Four rows by 64 columns, accumulated over all of K in registers.
  private static func kernel4x64(
    _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
    _ c: UnsafeMutablePointer<Float>, ldc: Int, k: Int, accumulate: Bool
  ) {
    let zero = Float16x(repeating: 0)
    var c00 = zero, c01 = zero, c02 = zero, c03 = zero
    var c10 = zero, c11 = zero, c12 = zero, c13 = zero
    var c20 = zero, c21 = zero, c22 = zero, c23 = zero
    var c30 = zero, c31 = zero, c32 = zero, c33 = zero
    let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
    for kk in 0..<k {
      let row = b + kk * ldb
      let b0 = load(row), b1 = load(row + 16), b2 = load(row + 32), b3 = load(row + 48)
      var s = Float16x(repeating: a0[kk])
      c00.addProduct(s, b0); c01.addProduct(s, b1); c02.addProduct(s, b2); c03.addProduct(s, b3)
      s = Float16x(repeating: a1[kk])
      c10.addProduct(s, b0); c11.addProduct(s, b1); c12.addProduct(s, b2); c13.addProduct(s, b3)
      s = Float16x(repeating: a2[kk])
      c20.addProduct(s, b0); c21.addProduct(s, b1); c22.addProduct(s, b2); c23.addProduct(s, b3)
      s = Float16x(repeating: a3[kk])
      c30.addProduct(s, b0); c31.addProduct(s, b1); c32.addProduct(s, b2); c33.addProduct(s, b3)
    }
    func put(_ v: Float16x, _ p: UnsafeMutablePointer<Float>) { store(accumulate ? load(p) + v : v, p) }
    put(c00, c); put(c01, c + 16); put(c02, c + 32); put(c03, c + 48)
    put(c10, c + ldc); put(c11, c + ldc + 16); put(c12, c + ldc + 32); put(c13, c + ldc + 48)
    put(c20, c + 2 * ldc); put(c21, c + 2 * ldc + 16); put(c22, c + 2 * ldc + 32); put(c23, c + 2 * ldc + 48)
    put(c30, c + 3 * ldc); put(c31, c + 3 * ldc + 16); put(c32, c + 3 * ldc + 32); put(c33, c + 3 * ldc + 48)
  }

  /// Any block of up to 4 rows and 64 columns (the edges of C), one row at a time.
  private static func edge(
    _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
    _ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, width: Int, k: Int, accumulate: Bool
  ) {
    var sums = [Float](repeating: 0, count: 64)
    for r in 0..<rows {
      sums.withUnsafeMutableBufferPointer { acc in
        let out = acc.baseAddress!
        out.update(repeating: 0, count: 64)
        let ar = a + r * lda
        for kk in 0..<k {
          let s = ar[kk], row = b + kk * ldb
          for j in 0..<width { out[j] += s * row[j] }
        }
        let cr = c + r * ldc
        for j in 0..<width { cr[j] = accumulate ? cr[j] + out[j] : out[j] }
      }
    }
  }

  /// C[M,N] = A[M,K]·B[N,K]ᵀ: each output a dot product of an A row with a B row (the tied
  /// unembedding `x · W_Eᵀ`), streaming B once with its rows split across threads.
  static func multiplyTransposed(
    _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
    into c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, alpha: Float, accumulate: Bool
  ) {
    let threads = min(ParallelFor.threadCount, max(1, n / 256))
    ParallelFor.run(threads) { thread in
      for j in (n * thread / threads)..<(n * (thread + 1) / threads) {
        let row = b + j * ldb
        for i in 0..<m {
          let value = alpha * vdot(a + i * lda, row, count: k)
          c[i * ldc + j] = accumulate ? c[i * ldc + j] + value : value
        }
      }
    }
  }
}

/// Runs a body on `count` threads at once (the calling thread included).
enum ParallelFor {
  /// Threads the engine's own parallel loops use (BLAS has its own setting).
  nonisolated(unsafe) static var threadCount = ProcessInfo.processInfo.activeProcessorCount

  static func run(_ count: Int, _ body: (Int) -> Void) {
    if count <= 1 { body(0); return }
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
  }
}
