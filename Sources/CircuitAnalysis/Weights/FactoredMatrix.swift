import TransformerEngine

/// A matrix M = A·B held as its two factors, A [m, r] and B [r, n], and never formed in full:
/// the QK and OV circuits of Elhage et al. 2021 ("A Mathematical Framework for Transformer
/// Circuits") are rank d_head products, and read in the vocabulary (W_E·W_V W_O·W_U) a dense one
/// would be d_vocab x d_vocab, 10 GB for GPT-2 small, while its factors are 2 x 13 MB.
/// TransformerLens's `FactoredMatrix` is the reference API: slices, norms, singular values and
/// eigenvalues all come from the factors and small r x r problems, solved in double precision.
public struct FactoredMatrix: Sendable {
  /// A [m, r].
  public let left: [Float]
  /// B [r, n].
  public let right: [Float]
  public let rows: Int
  public let inner: Int
  public let columns: Int

  public init(left: [Float], right: [Float], rows: Int, inner: Int, columns: Int) {
    precondition(rows >= 0 && inner >= 0 && columns >= 0, "FactoredMatrix: negative size")
    precondition(left.count == rows * inner, "FactoredMatrix: A has \(left.count) values, [\(rows), \(inner)] needs \(rows * inner)")
    precondition(right.count == inner * columns, "FactoredMatrix: B has \(right.count) values, [\(inner), \(columns)] needs \(inner * columns)")
    self.left = left
    self.right = right
    self.rows = rows
    self.inner = inner
    self.columns = columns
  }

  /// Mᵀ = Bᵀ·Aᵀ.
  public var transposed: FactoredMatrix {
    FactoredMatrix(left: Self.transpose(right, rows: inner, columns: columns), right: Self.transpose(left, rows: rows, columns: inner),
                   rows: columns, inner: inner, columns: rows)
  }

  /// The rows `indices` of M, in that order: A's rows, B unchanged.
  public func selectingRows(_ indices: [Int]) -> FactoredMatrix {
    precondition(indices.allSatisfy { $0 >= 0 && $0 < rows }, "FactoredMatrix: a row index outside 0..<\(rows)")
    let a = indices.flatMap { i in left[(i * inner)..<((i + 1) * inner)] }
    return FactoredMatrix(left: a, right: right, rows: indices.count, inner: inner, columns: columns)
  }

  /// The columns `indices` of M, in that order: B's columns, A unchanged.
  public func selectingColumns(_ indices: [Int]) -> FactoredMatrix {
    precondition(indices.allSatisfy { $0 >= 0 && $0 < columns }, "FactoredMatrix: a column index outside 0..<\(columns)")
    var b = [Float](repeating: 0, count: inner * indices.count)  // [r, n']
    for k in 0..<inner { for (j, c) in indices.enumerated() { b[k * indices.count + j] = right[k * columns + c] } }
    return FactoredMatrix(left: left, right: b, rows: rows, inner: inner, columns: indices.count)
  }

  /// Row `i` of M: [n].
  public func row(_ i: Int) -> [Float] {
    precondition(i >= 0 && i < rows, "FactoredMatrix: row \(i) outside 0..<\(rows)")
    var out = [Float](repeating: 0, count: columns)
    left.withUnsafeBufferPointer { a in
      BLAS.matmul(a.baseAddress! + i * inner, right, into: &out, m: 1, n: columns, k: inner)
    }
    return out
  }

  /// M in full, [m, n]: only for small matrices (a d_model x d_model circuit, a test).
  public func dense() -> [Float] {
    var out = [Float](repeating: 0, count: rows * columns)
    guard rows > 0, columns > 0 else { return out }
    if inner == 0 { return out }
    BLAS.matmul(left, right, into: &out, m: rows, n: columns, k: inner)
    return out
  }

  /// ‖M‖_F = √(Σ σ²) over the singular values.
  public func frobeniusNorm() throws -> Double {
    try singularValues().reduce(0) { $0 + $1 * $1 }.squareRoot()
  }

  /// The singular values of M, largest first, min(m, r, n) of them: with A = Q_A R_A and
  /// Bᵀ = Q_B R_B, M = Q_A (R_A R_Bᵀ) Q_Bᵀ, so they are those of the small R_A R_Bᵀ.
  public func singularValues() throws -> [Double] {
    let ra = try LAPACK.triangularFactor(left.map(Double.init), rows: rows, columns: inner)  // [ka, r]
    let rb = try LAPACK.triangularFactor(Self.transpose(right, rows: inner, columns: columns).map(Double.init), rows: columns, columns: inner)  // [kb, r]
    let ka = min(rows, inner), kb = min(columns, inner)
    let middle = LAPACK.multiply(ra, rb, transposeB: true, m: ka, n: kb, k: inner)  // [ka, kb]
    return try LAPACK.singularValues(middle, rows: ka, columns: kb)
  }

  /// The eigenvalues of a square M (m = n), as TransformerLens gives them: those of B·A [r, r].
  /// If BAv = λv then AB(Av) = λ(Av), so these are M's nonzero eigenvalues (plus zeros when
  /// r > rank M); M's other n − r eigenvalues are 0.
  public func eigenvalues() throws -> [ComplexNumber] {
    guard rows == columns else {
      throw AnalysisError.invalidArgument("eigenvalues need a square matrix, this product is \(rows) x \(columns)")
    }
    let ba = LAPACK.multiply(right.map(Double.init), left.map(Double.init), m: inner, n: inner, k: rows)  // [r, r]
    return try LAPACK.eigenvalues(ba, order: inner)
  }

  /// Elhage et al. 2021's copying score of the eigenvalues: Σλ / Σ|λ|, in [-1, 1]; near 1 when M
  /// copies (positive eigenvalues), near -1 when it suppresses. Σλ is real (conjugate pairs).
  public func eigenvalueCopyingScore() throws -> Double { Self.copyingScore(try eigenvalues()) }

  /// Σλ / Σ|λ| of `lambdas` (0 when they are all 0).
  public static func copyingScore(_ lambdas: [ComplexNumber]) -> Double {
    let total = lambdas.reduce(0) { $0 + $1.magnitude }
    guard total > 0 else { return 0 }
    return lambdas.reduce(0) { $0 + $1.real } / total
  }

  /// ‖row i of M‖ for every row, [m], from the r x r Gram matrix B·Bᵀ (no [m, n] product).
  public func rowNorms() -> [Double] {
    let a = left.map(Double.init)
    let gram = LAPACK.multiply(right.map(Double.init), right.map(Double.init), transposeB: true, m: inner, n: inner, k: columns)  // [r, r]
    let ag = LAPACK.multiply(a, gram, m: rows, n: inner, k: inner)  // [m, r]
    return (0..<rows).map { i in
      var s = 0.0
      for k in 0..<inner { s += ag[i * inner + k] * a[i * inner + k] }
      return max(0, s).squareRoot()
    }
  }

  /// X [r, n] with XᵀX = MᵀM, so ‖M·Y‖_F = ‖X·Y‖_F for every Y: G·B where GᵀG = AᵀA,
  /// G = Λ^½Uᵀ from the eigen-decomposition of the r x r Gram matrix AᵀA (`gramFactor`).
  /// TransformerLens's `collapse_l` (S·Vᵀ) is another such X.
  public func collapsedLeft() throws -> (values: [Float], rows: Int) {
    let g = try Self.gramFactor(left, rows: rows, columns: inner)  // [r, r]
    var out = [Float](repeating: 0, count: inner * columns)  // [r, n]
    if inner > 0, columns > 0 { BLAS.matmul(g, right, into: &out, m: inner, n: columns, k: inner) }
    return (out, inner)
  }

  /// X [m, r] with XXᵀ = MMᵀ, so ‖Y·M‖_F = ‖Y·X‖_F for every Y: A·Gᵀ where GᵀG = B·Bᵀ.
  /// TransformerLens's `collapse_r` (U·S) is another such X.
  public func collapsedRight() throws -> (values: [Float], columns: Int) {
    let g = try Self.gramFactor(Self.transpose(right, rows: inner, columns: columns), rows: columns, columns: inner)  // [r, r]
    var out = [Float](repeating: 0, count: rows * inner)  // [m, r]
    if inner > 0, rows > 0 { BLAS.matmul(left, g, transposeB: true, into: &out, m: rows, n: inner, k: inner) }
    return (out, inner)
  }

  /// G [r, r] with GᵀG = XᵀX for X [m, r]: the Cholesky factor of the Gram matrix XᵀX, or, when
  /// that is singular, Λ^½Uᵀ from XᵀX = UΛUᵀ (dsyev; rounding's negative eigenvalues taken as 0).
  /// In double; costs one m x r x r product, unlike a QR of X.
  static func gramFactor(_ x: [Float], rows m: Int, columns r: Int) throws -> [Float] {
    guard r > 0 else { return [] }
    var gram = [Float](repeating: 0, count: r * r)  // [r, r]
    if m > 0 { BLAS.matmul(x, transposeA: true, x, into: &gram, m: r, n: r, k: m) }
    let g = gram.map(Double.init)
    try LAPACK.checkFinite(g, "a Gram matrix")
    if let u = LAPACK.cholesky(g, order: r) { return u.map(Float.init) }
    let (values, vectors) = try LAPACK.symmetricEigen(g, order: r)
    var out = [Float](repeating: 0, count: r * r)
    for k in 0..<r {
      let s = max(0, values[k]).squareRoot()
      for i in 0..<r { out[k * r + i] = Float(s * vectors[k * r + i]) }
    }
    return out
  }

  static func transpose(_ x: [Float], rows m: Int, columns n: Int) -> [Float] {
    var out = [Float](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { out[j * m + i] = x[i * n + j] } }
    return out
  }
}
