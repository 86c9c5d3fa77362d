// Affine projection with (in, out) weights. Legend: N rows, IC in features, OC out features.

/// out[N,OC] = inp[N,IC] · weight[IC,OC] + bias[OC].
public func linearForward(
  out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, N: Int, IC: Int, OC: Int
) {
  if let bias {
    for n in 0..<N { (out + n * OC).update(from: bias, count: OC) }
  }
  BLAS.matmul(input, weight, into: out, m: N, n: OC, k: IC, beta: bias == nil ? 0 : 1)
}

/// Backward of `linearForward`: dinp[N,IC] += dout · Wᵀ; dweight[IC,OC] += inpᵀ · dout;
/// dbias[OC] += Σ_n dout[n]. `dinp` may be nil when the input needs no gradient.
public func linearBackward(
  dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?, dbias: UnsafeMutablePointer<Float>?,
  dout: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, N: Int, IC: Int, OC: Int
) {
  if let dinp {
    BLAS.matmul(dout, weight, transposeB: true, into: dinp, m: N, n: IC, k: OC, beta: 1)
  }
  if let dweight {
    BLAS.matmul(input, transposeA: true, dout, into: dweight, m: IC, n: OC, k: N, beta: 1)
  }
  if let dbias {
    for n in 0..<N { residualForward(out: dbias, dbias, dout + n * OC, N: OC) }
  }
}
