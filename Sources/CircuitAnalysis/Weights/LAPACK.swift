import CBLAS

/// A complex number: an eigenvalue of a real matrix (those come in conjugate pairs).
public struct ComplexNumber: Equatable, Sendable, CustomStringConvertible {
  public var real: Double
  public var imaginary: Double

  public init(_ real: Double, _ imaginary: Double = 0) {
    self.real = real
    self.imaginary = imaginary
  }

  /// |z|.
  public var magnitude: Double { (real * real + imaginary * imaginary).squareRoot() }

  /// [re, im], the form results store eigenvalues in.
  var json: JSONValue { .array([.number(real), .number(imaginary)]) }

  public var description: String { imaginary == 0 ? "\(real)" : "\(real)\(imaginary < 0 ? "-" : "+")\(abs(imaginary))i" }
}

/// Double-precision dense linear algebra for the weight analyses' small problems (r x r with r
/// about d_head, or one tall d_vocab x r factor), through the LAPACK routines OpenBLAS exports
/// (declared in Sources/CBLAS/shim.h). Matrices are row-major here and are copied into LAPACK's
/// column-major order.
enum LAPACK {
  /// The R of A = QR for A [m, n]: [min(m, n), n] row-major, upper triangular, so RᵀR = AᵀA and
  /// ‖R X‖ = ‖A X‖ for every X (Householder QR, dgeqrf).
  static func triangularFactor(_ a: [Double], rows m: Int, columns n: Int) throws -> [Double] {
    precondition(a.count == m * n, "triangularFactor: \(a.count) values for [\(m), \(n)]")
    try checkFinite(a, "the matrix to factor")
    var work = columnMajor(a, rows: m, columns: n)  // [n][m] column-major
    var M = Int32(m), N = Int32(n), lda = Int32(max(1, m)), info: Int32 = 0
    var tau = [Double](repeating: 0, count: max(1, min(m, n)))
    var query = 0.0, lwork: Int32 = -1
    dgeqrf_(&M, &N, &work, &lda, &tau, &query, &lwork, &info)
    lwork = Int32(max(1, Int(query)))
    var scratch = [Double](repeating: 0, count: Int(lwork))
    dgeqrf_(&M, &N, &work, &lda, &tau, &scratch, &lwork, &info)
    guard info == 0 else { throw failure("dgeqrf", info) }
    let k = min(m, n)
    var r = [Double](repeating: 0, count: k * n)  // [k, n]
    for i in 0..<k { for j in i..<n { r[i * n + j] = work[j * m + i] } }
    return r
  }

  /// The singular values of A [m, n], largest first (dgesdd, values only).
  static func singularValues(_ a: [Double], rows m: Int, columns n: Int) throws -> [Double] {
    precondition(a.count == m * n, "singularValues: \(a.count) values for [\(m), \(n)]")
    guard m > 0, n > 0 else { return [] }
    try checkFinite(a, "the matrix whose singular values are asked for")
    // The singular values of Aᵀ are those of A: the row-major buffer is Aᵀ in column-major order.
    var work = a
    var M = Int32(n), N = Int32(m), lda = Int32(n), one: Int32 = 1, info: Int32 = 0
    var s = [Double](repeating: 0, count: min(m, n))
    var u = [0.0], vt = [0.0]
    var iwork = [Int32](repeating: 0, count: 8 * min(m, n))
    var query = 0.0, lwork: Int32 = -1
    let jobz: [CChar] = [CChar(UInt8(ascii: "N"))]
    dgesdd_(jobz, &M, &N, &work, &lda, &s, &u, &one, &vt, &one, &query, &lwork, &iwork, &info, 1)
    lwork = Int32(max(1, Int(query)))
    var scratch = [Double](repeating: 0, count: Int(lwork))
    dgesdd_(jobz, &M, &N, &work, &lda, &s, &u, &one, &vt, &one, &scratch, &lwork, &iwork, &info, 1)
    guard info == 0 else { throw failure("dgesdd", info) }
    return s
  }

  /// The eigenvalues of A [n, n], in LAPACK's order (dgeev, no eigenvectors); a conjugate pair is
  /// listed positive imaginary part first.
  static func eigenvalues(_ a: [Double], order n: Int) throws -> [ComplexNumber] {
    precondition(a.count == n * n, "eigenvalues: \(a.count) values for [\(n), \(n)]")
    guard n > 0 else { return [] }
    try checkFinite(a, "the matrix whose eigenvalues are asked for")
    // The eigenvalues of Aᵀ are those of A.
    var work = a
    var N = Int32(n), lda = Int32(n), one: Int32 = 1, info: Int32 = 0
    var wr = [Double](repeating: 0, count: n), wi = wr
    var vl = [0.0], vr = [0.0]
    var query = 0.0, lwork: Int32 = -1
    let no: [CChar] = [CChar(UInt8(ascii: "N"))]
    dgeev_(no, no, &N, &work, &lda, &wr, &wi, &vl, &one, &vr, &one, &query, &lwork, &info, 1, 1)
    lwork = Int32(max(1, Int(query)))
    var scratch = [Double](repeating: 0, count: Int(lwork))
    dgeev_(no, no, &N, &work, &lda, &wr, &wi, &vl, &one, &vr, &one, &scratch, &lwork, &info, 1, 1)
    guard info == 0 else { throw failure("dgeev", info) }
    return (0..<n).map { ComplexNumber(wr[$0], wi[$0]) }
  }

  /// The eigenvalues (ascending) and orthonormal eigenvectors of a symmetric A [n, n] (dsyev):
  /// `vectors` row-major [n, n] with eigenvector k in row k.
  static func symmetricEigen(_ a: [Double], order n: Int) throws -> (values: [Double], vectors: [Double]) {
    precondition(a.count == n * n, "symmetricEigen: \(a.count) values for [\(n), \(n)]")
    guard n > 0 else { return ([], []) }
    try checkFinite(a, "the symmetric matrix whose eigenvalues are asked for")
    // Symmetric: the row-major buffer is the same matrix in column-major order. On return the
    // column-major eigenvector columns are row-major rows.
    var work = a
    var N = Int32(n), lda = Int32(n), info: Int32 = 0
    var w = [Double](repeating: 0, count: n)
    var query = 0.0, lwork: Int32 = -1
    let jobz: [CChar] = [CChar(UInt8(ascii: "V"))], uplo: [CChar] = [CChar(UInt8(ascii: "U"))]
    dsyev_(jobz, uplo, &N, &work, &lda, &w, &query, &lwork, &info, 1, 1)
    lwork = Int32(max(1, Int(query)))
    var scratch = [Double](repeating: 0, count: Int(lwork))
    dsyev_(jobz, uplo, &N, &work, &lda, &w, &scratch, &lwork, &info, 1, 1)
    guard info == 0 else { throw failure("dsyev", info) }
    return (w, work)
  }

  /// The upper-triangular U [n, n] (row-major) with UᵀU = A for a symmetric positive definite
  /// A (dpotrf); nil when A is not positive definite.
  static func cholesky(_ a: [Double], order n: Int) -> [Double]? {
    precondition(a.count == n * n, "cholesky: \(a.count) values for [\(n), \(n)]")
    guard n > 0 else { return [] }
    var work = a  // symmetric: the same matrix column-major
    var N = Int32(n), lda = Int32(n), info: Int32 = 0
    let uplo: [CChar] = [CChar(UInt8(ascii: "U"))]
    dpotrf_(uplo, &N, &work, &lda, &info, 1)
    guard info == 0 else { return nil }
    var u = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in i..<n { u[i * n + j] = work[j * n + i] } }
    return u
  }

  /// C [m, n] = A [m, k] · B [k, n] in double (row-major; `transposeB` reads B stored [n, k]).
  static func multiply(_ a: [Double], _ b: [Double], transposeB: Bool = false, m: Int, n: Int, k: Int) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    guard m > 0, n > 0, k > 0 else { return c }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
                1, a, Int32(k), b, Int32(transposeB ? k : n), 0, &c, Int32(n))
    return c
  }

  /// A [m, n] row-major as column-major (Aᵀ row-major).
  static func columnMajor(_ a: [Double], rows m: Int, columns n: Int) -> [Double] {
    var out = [Double](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { out[j * m + i] = a[i * n + j] } }
    return out
  }

  static func checkFinite(_ a: [Double], _ what: String) throws {
    guard a.allSatisfy(\.isFinite) else { throw AnalysisError.nonFinite(what) }
  }

  static func failure(_ routine: String, _ info: Int32) -> AnalysisError {
    .invalidArgument(info < 0 ? "LAPACK \(routine) rejected argument \(-info)" : "LAPACK \(routine) did not converge (info \(info))")
  }
}
