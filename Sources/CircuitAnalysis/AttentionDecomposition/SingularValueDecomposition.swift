import CBLAS

/// The thin singular value decomposition A = U Σ Vᵀ of a row-major Float64 matrix, by LAPACK's
/// divide-and-conquer dgesdd (OpenBLAS). Singular values descend.
struct SingularValueDecomposition {
  /// Left singular vectors as columns [m, r], r = min(m, n).
  let u: [Double]
  /// Singular values, largest first.  [r]
  let values: [Double]
  /// Right singular vectors as rows (Vᵀ) [r, n].
  let vt: [Double]
  let rows: Int
  let columns: Int
  var rank: Int { values.count }

  /// `a` [m, n] row-major.
  init(_ a: [Double], rows m: Int, columns n: Int) throws {
    precondition(a.count == m * n)
    // Row-major A is column-major Aᵀ [n, m]; dgesdd on Aᵀ = V Σ Uᵀ returns, read back row-major,
    // U [m, r] in its vt buffer and Vᵀ [r, n] in its u buffer.
    var work = a
    var lm = Int32(n), ln = Int32(m)
    let r = min(m, n)
    var lr = Int32(r)
    var s = [Double](repeating: 0, count: r)
    var uBuffer = [Double](repeating: 0, count: n * r)  // column-major [n, r] = row-major Vᵀ [r, n]
    var vtBuffer = [Double](repeating: 0, count: r * m)  // column-major [r, m] = row-major U [m, r]
    var iwork = [Int32](repeating: 0, count: 8 * r)
    var info: Int32 = 0
    var jobz = CChar(UInt8(ascii: "S"))
    var query = -Int32(1), optimal = 0.0
    dgesdd_(&jobz, &lm, &ln, &work, &lm, &s, &uBuffer, &lm, &vtBuffer, &lr, &optimal, &query, &iwork, &info, 1)
    var lwork = Int32(optimal)
    var scratch = [Double](repeating: 0, count: Int(lwork))
    work = a
    dgesdd_(&jobz, &lm, &ln, &work, &lm, &s, &uBuffer, &lm, &vtBuffer, &lr, &scratch, &lwork, &iwork, &info, 1)
    guard info == 0 else { throw AnalysisError.invalidArgument("LAPACK dgesdd failed (info \(info)) on a \(m) x \(n) matrix") }
    u = vtBuffer
    values = s
    vt = uBuffer
    rows = m
    columns = n
  }
}
