import CBLAS
import Foundation

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
  /// The kernel family OpenBLAS chose at load time, e.g. "Haswell", "SkylakeX", "Zen".
  public static var coreName: String { String(cString: openblas_get_corename()) }

  /// OpenBLAS picks its kernels when the library loads. Debian's OpenBLAS 0.3.21 picks the AVX2
  /// kernels ("Haswell"/"Zen") on AMD Zen 4 CPUs although they have AVX-512, which costs about
  /// 1.5-2x in sgemm. Returns "SkylakeX" when the CPU has every AVX-512 subset those kernels use
  /// and OpenBLAS chose something else; nil otherwise. The choice can only be changed through the
  /// `OPENBLAS_CORETYPE` environment variable before the library loads (see `headlab`'s main).
  public static func fasterCoreType(cpuFlags: String? = readProcFile("/proc/cpuinfo")) -> String? {
    guard let cpuFlags, let flagsLine = cpuFlags.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    let needed = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
    guard needed.allSatisfy(flags.contains) else { return nil }
    return ["Haswell", "Zen"].contains(coreName) ? "SkylakeX" : nil
  }
}

/// Reads a /proc file (their stat size is 0, so size-based readers return nothing).
public func readProcFile(_ path: String) -> String? {
  guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
  defer { try? handle.close() }
  guard let data = try? handle.readToEnd() else { return nil }
  return String(decoding: data, as: UTF8.self)
}
