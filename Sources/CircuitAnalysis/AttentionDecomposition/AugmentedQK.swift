import TransformerEngine

/// A head's bilinear attention form on the augmented, LayerNorm-folded residual (Franco &
/// Crovella 2024, "Sparse Attention Decomposition Applied to Circuit Tracing", arXiv 2410.00340;
/// papers.md section 10). With x̂ = (x − mean(x)) / scale(x) the normalized residual (ln1's
/// `hook_normalized`) and ln1's weight w and bias b folded into the projections,
/// W_Q' = diag(w)·W_Q, b_Q' = b·W_Q + b_Q (the same for K), the score from destination i to source
/// j is x̃_iᵀ Ω̃ x̃_j with x̃ = [x̂, 1] and
///
///     Ω̃ = [[W_Q' W_K'ᵀ, W_Q' b_K'ᵀ], [b_Q' W_K'ᵀ, b_Q'·b_K']] / sqrt(d_head),  (d+1)×(d+1).
///
/// Its SVD Ω̃ = U Σ Vᵀ (rank ≤ d_head) splits the score into one term per singular direction,
/// σ_k (x̃_i·u_k)(x̃_j·v_k).
struct AugmentedQK {
  /// Ω̃ [d+1, d+1], Float64.
  let omega: [Double]
  let svd: SingularValueDecomposition
  /// Directions kept: d_head (the paper truncates to the head's rank).
  let directions: Int
  let dimension: Int

  init(_ model: TransformerModel, layer l: Int, head h: Int) throws {
    let C = model.config.modelDim, HS = model.config.headDim, D = C + 1
    let p = model.parameters
    let qkv = p.pointer(.block(l, .qkvWeight)), bias = p.pointer(.block(l, .qkvBias))  // [C, 3C], [3C]
    let w = p.pointer(.block(l, .ln1Weight)), b = p.pointer(.block(l, .ln1Bias))  // [C]
    // Folded projections, augmented with the bias row: [D, HS] each.
    func folded(_ offset: Int) -> [Double] {
      var out = [Double](repeating: 0, count: D * HS)
      for c in 0..<C { for d in 0..<HS { out[c * HS + d] = Double(w[c]) * Double(qkv[c * 3 * C + offset + d]) } }
      for d in 0..<HS {
        var s = Double(bias[offset + d])
        for c in 0..<C { s += Double(b[c]) * Double(qkv[c * 3 * C + offset + d]) }
        out[C * HS + d] = s
      }
      return out
    }
    let q = folded(h * HS), k = folded(C + h * HS)
    let scale = 1 / Double(HS).squareRoot()
    var omega = [Double](repeating: 0, count: D * D)  // [D, D]
    for i in 0..<D {
      for j in 0..<D {
        var s = 0.0
        for d in 0..<HS { s += q[i * HS + d] * k[j * HS + d] }
        omega[i * D + j] = s * scale
      }
    }
    self.omega = omega
    svd = try SingularValueDecomposition(omega, rows: D, columns: D)
    directions = min(HS, D)
    dimension = D
  }

  /// x·u_k; `x` [D].
  func left(_ x: [Double], direction k: Int) -> Double {
    (0..<dimension).reduce(0.0) { $0 + x[$1] * svd.u[$1 * svd.rank + k] }
  }

  /// x·v_k; `x` [D].
  func right(_ x: [Double], direction k: Int) -> Double {
    (0..<dimension).reduce(0.0) { $0 + x[$1] * svd.vt[k * dimension + $1] }
  }

  /// x·u_k for every kept direction.  [directions]
  func leftProjections(_ x: [Double]) -> [Double] { (0..<directions).map { left(x, direction: $0) } }

  /// x·v_k for every kept direction.  [directions]
  func rightProjections(_ x: [Double]) -> [Double] { (0..<directions).map { right(x, direction: $0) } }
}
