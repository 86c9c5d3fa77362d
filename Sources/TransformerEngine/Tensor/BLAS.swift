import CBLAS

/// The engine's only door to BLAS. Every matrix product goes through `matmul`.
///
/// Row-major throughout: `C[M,N] = alpha * op(A)[M,K] · op(B)[K,N] + beta * C`, where
/// `op(X)` is `X` or its transpose. Leading dimensions default to the dense row length and may
/// be larger to address a strided slice (e.g. the Q columns of a fused QKV buffer).
public enum BLAS {
  @inline(__always)
  public static func matmul(
    _ a: UnsafePointer<Float>, transposeA: Bool = false, lda: Int? = nil,
    _ b: UnsafePointer<Float>, transposeB: Bool = false, ldb: Int? = nil,
    into c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
    m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0
  ) {
    let lda = lda ?? (transposeA ? m : k)
    let ldb = ldb ?? (transposeB ? k : n)
    let ldc = ldc ?? n
    if m <= SkinnyMatmul.maximumRows && !transposeA && k >= 64 && n >= 64 && (beta == 0 || beta == 1) {
      if !transposeB && alpha == 1 {
        SkinnyMatmul.multiply(a, lda: lda, b, ldb: ldb, into: c, ldc: ldc, m: m, n: n, k: k, accumulate: beta == 1)
        return
      }
      if transposeB {
        SkinnyMatmul.multiplyTransposed(a, lda: lda, b, ldb: ldb, into: c, ldc: ldc, m: m, n: n, k: k, alpha: alpha, accumulate: beta == 1)
        return
      }
    }
    cblas_sgemm(
      CblasRowMajor,
      transposeA ? CblasTrans : CblasNoTrans,
      transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// Threads one product may use (OpenBLAS's and the engine's own small-product kernels).
  public static var threadCount: Int {
    get { Int(openblas_get_num_threads()) }
    set {
      openblas_set_num_threads(Int32(max(1, newValue)))
      ParallelFor.threadCount = max(1, newValue)
    }
  }
}

extension BLAS {
  /// The kernel family OpenBLAS chose when it loaded, e.g. "Haswell", "SkylakeX", "Cooperlake"
  /// (the `OPENBLAS_CORETYPE` environment variable overrides its detection).
  public static var coreName: String { String(cString: openblas_get_corename()) }
}
