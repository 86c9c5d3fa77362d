// Causal multi-head self-attention (Vaswani et al. 2017) over a fused QKV buffer, in three
// passes so TransformerLens's hooks fit between them: scores -> pattern -> z.
// Legend: B batch, T positions, C d_model, NH heads, HS head size (C = NH*HS).
// qkv[B,T,3C] holds q | k | v per position, each [NH,HS].

/// scores[B,NH,T,T] = q·k / sqrt(HS) for key <= query, -inf above the diagonal.
public func attentionScoresForward(
  scores: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>,
  B: Int, T: Int, NH: Int, HS: Int
) {
  let C = NH * HS
  let scale = 1 / Float(HS).squareRoot()
  for b in 0..<B {
    for h in 0..<NH {
      let q = qkv + b * T * 3 * C + h * HS
      let k = q + C
      let s = scores + (b * NH + h) * T * T
      BLAS.matmul(q, lda: 3 * C, k, transposeB: true, ldb: 3 * C, into: s,
                  m: T, n: T, k: HS, alpha: scale)
      for t in 0..<T {
        for t2 in (t + 1)..<max(t + 1, T) { s[t * T + t2] = -.infinity }
      }
    }
  }
}

/// pattern[R,T] = softmax of each row of scores[R,T]; -inf entries give exactly 0.
public func attentionSoftmaxForward(
  pattern: UnsafeMutablePointer<Float>, scores: UnsafePointer<Float>, rows: Int, T: Int
) {
  for r in 0..<rows {
    let x = scores + r * T, y = pattern + r * T
    var maxValue = -Float.infinity
    for i in 0..<T { maxValue = max(maxValue, x[i]) }
    if maxValue == -.infinity {  // every key masked out: attend to nothing
      y.update(repeating: 0, count: T)
      continue
    }
    let mv = Float16x(repeating: maxValue)
    forEachChunk(x, y, count: T) { v in vexp(v - mv) }
    var total: Float = 0
    for i in 0..<T {
      if x[i] == -.infinity { y[i] = 0 }
      total += y[i]
    }
    let inverse = 1 / total
    for i in 0..<T { y[i] *= inverse }
  }
}

/// z[B,T,NH,HS] = pattern · v, per head.
public func attentionValuesForward(
  z: UnsafeMutablePointer<Float>, pattern: UnsafePointer<Float>, qkv: UnsafePointer<Float>,
  B: Int, T: Int, NH: Int, HS: Int
) {
  let C = NH * HS
  for b in 0..<B {
    for h in 0..<NH {
      let p = pattern + (b * NH + h) * T * T
      let v = qkv + b * T * 3 * C + 2 * C + h * HS
      BLAS.matmul(p, v, ldb: 3 * C, into: z + b * T * C + h * HS, ldc: C, m: T, n: HS, k: T)
    }
  }
}

/// result[B,T,NH,C] = z_h · W_O[h] per head: each head's write into the residual stream,
/// before the output bias (TransformerLens `hook_result`).
public func attentionResultForward(
  result: UnsafeMutablePointer<Float>, z: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  B: Int, T: Int, NH: Int, HS: Int
) {
  let C = NH * HS
  for h in 0..<NH {
    BLAS.matmul(z + h * HS, lda: C, weight + h * HS * C, into: result + h * C, ldc: NH * C,
                m: B * T, n: C, k: HS)
  }
}

/// out[B,T,C] = bias + Σ_h result[B,T,h,C].
public func attentionResultSum(
  out: UnsafeMutablePointer<Float>, result: UnsafePointer<Float>, bias: UnsafePointer<Float>,
  N: Int, NH: Int, C: Int
) {
  for n in 0..<N {
    let y = out + n * C
    y.update(from: bias, count: C)
    for h in 0..<NH { residualForward(out: y, y, result + (n * NH + h) * C, N: C) }
  }
}

/// Backward of the three attention passes for one layer, per (b, h), in reverse:
///   z = P·V          ->  dP = dz·Vᵀ,  dV = Pᵀ·dz
///   P = softmax(S)   ->  dS = P ⊙ (dP - rowsum(dP ⊙ P))     (masked entries have P = 0)
///   S = Q·Kᵀ/√HS     ->  dQ = dS·K/√HS,  dK = dSᵀ·Q/√HS
/// Writes dqkv[B,T,3C] (overwrites). `dpattern` and `dscores` [B,NH,T,T] are filled for hooks.
public func attentionBackward(
  dqkv: UnsafeMutablePointer<Float>, dpattern: UnsafeMutablePointer<Float>, dscores: UnsafeMutablePointer<Float>,
  dz: UnsafePointer<Float>, pattern: UnsafePointer<Float>, qkv: UnsafePointer<Float>,
  B: Int, T: Int, NH: Int, HS: Int
) {
  let C = NH * HS
  let scale = 1 / Float(HS).squareRoot()
  for b in 0..<B {
    for h in 0..<NH {
      let bh = (b * NH + h) * T * T
      let q = qkv + b * T * 3 * C + h * HS, k = q + C, v = q + 2 * C
      let dq = dqkv + b * T * 3 * C + h * HS, dk = dq + C, dv = dq + 2 * C
      let dzh = dz + b * T * C + h * HS
      let p = pattern + bh, dp = dpattern + bh, ds = dscores + bh
      BLAS.matmul(dzh, lda: C, v, transposeB: true, ldb: 3 * C, into: dp, m: T, n: T, k: HS)
      BLAS.matmul(p, transposeA: true, dzh, ldb: C, into: dv, ldc: 3 * C, m: T, n: HS, k: T)
      for t in 0..<T {
        let pr = p + t * T, dpr = dp + t * T, dsr = ds + t * T
        let dot = vdot(pr, dpr, count: T)
        for t2 in 0..<T { dsr[t2] = pr[t2] * (dpr[t2] - dot) }
      }
      BLAS.matmul(ds, k, ldb: 3 * C, into: dq, ldc: 3 * C, m: T, n: HS, k: T, alpha: scale)
      BLAS.matmul(ds, transposeA: true, q, ldb: 3 * C, into: dk, ldc: 3 * C, m: T, n: HS, k: T, alpha: scale)
    }
  }
}

/// z[N,NH,HS] *= gates[layer, h] (causal head gating, Lee et al. 2024).
public func applyHeadGates(z: UnsafeMutablePointer<Float>, gates: [Float], layer: Int, N: Int, NH: Int, HS: Int) {
  for n in 0..<N {
    for h in 0..<NH {
      let g = gates[layer * NH + h]
      let zh = z + (n * NH + h) * HS
      for d in 0..<HS { zh[d] *= g }
    }
  }
}

/// scores[B,NH,T,T]: keys at or past each row's real length are set to -inf (they then get
/// pattern 0), for a right-padded batch whose row b holds `lengths[b]` real tokens. Queries at
/// padded positions keep the row's real keys (they are not read by anything real: causal
/// attention already hides them from the real queries before them).
public func maskPaddedKeys(scores: UnsafeMutablePointer<Float>, lengths: [Int], NH: Int, T: Int) {
  for (b, n) in lengths.enumerated() where n < T {
    for h in 0..<NH {
      let s = scores + (b * NH + h) * T * T
      for t in 0..<T { (s + t * T + n).update(repeating: -.infinity, count: T - n) }
    }
  }
}
