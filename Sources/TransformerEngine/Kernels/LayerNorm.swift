// LayerNorm (Ba et al. 2016), split in three steps so the TransformerLens hooks fit between
// them: `hook_scale` sees sqrt(var + eps) per row, `hook_normalized` sees (x - mean) / scale
// before the affine weight and bias.
// Legend: N rows (B*T), C d_model.

/// mean[N] and scale[N] = sqrt(var + eps) of each row of inp[N,C] (biased variance, like PyTorch).
public func layerNormStatistics(
  mean: UnsafeMutablePointer<Float>, scale: UnsafeMutablePointer<Float>,
  input: UnsafePointer<Float>, N: Int, C: Int, epsilon: Float
) {
  for n in 0..<N {
    let x = input + n * C
    let m = vsum(x, count: C) / Float(C)
    var acc = Float16x(repeating: 0)
    var i = 0
    let mv = Float16x(repeating: m)
    while i + 16 <= C {
      let d = UnsafeRawPointer(x + i).loadUnaligned(as: Float16x.self) - mv
      acc += d * d
      i += 16
    }
    var v = acc.sum()
    while i < C { let d = x[i] - m; v += d * d; i += 1 }
    mean[n] = m
    scale[n] = (v / Float(C) + epsilon).squareRoot()
  }
}

/// out[N,C] = (inp - mean) / scale.
public func layerNormNormalize(
  out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, scale: UnsafePointer<Float>, N: Int, C: Int
) {
  for n in 0..<N {
    let x = input + n * C, y = out + n * C
    let m = mean[n], r = 1 / scale[n]
    for i in 0..<C { y[i] = (x[i] - m) * r }
  }
}

/// x[N,C] = x * weight + bias, in place.
public func layerNormAffine(_ x: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, N: Int, C: Int) {
  for n in 0..<N {
    let y = x + n * C
    for i in 0..<C { y[i] = y[i] * weight[i] + bias[i] }
  }
}

/// out[N,C] = (inp - mean) / scale * weight + bias.
public func layerNormApply(
  out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, scale: UnsafePointer<Float>,
  weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, N: Int, C: Int
) {
  layerNormNormalize(out: out, input: input, mean: mean, scale: scale, N: N, C: C)
  layerNormAffine(out, weight: weight, bias: bias, N: N, C: C)
}

/// Backward of `layerNormApply` ∘ `layerNormStatistics`, with xhat = (x - mean) / scale:
/// dx = (1/scale)·(dnorm - mean(dnorm) - xhat·mean(dnorm·xhat)) where dnorm = dout·weight;
/// dweight += Σ dout·xhat; dbias += Σ dout (each skipped when nil). Accumulates into dinp (+=).
/// `dscale`, if given, receives ∂L/∂scale[N] = -Σ_c dnorm·xhat / scale (for `hook_scale`).
public func layerNormBackward(
  dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>?, dbias: UnsafeMutablePointer<Float>?,
  dout: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, scale: UnsafePointer<Float>, N: Int, C: Int,
  dscale: UnsafeMutablePointer<Float>? = nil
) {
  for n in 0..<N {
    let x = input + n * C, dy = dout + n * C, dx = dinp + n * C
    let m = mean[n], r = 1 / scale[n]
    var dnormMean: Float = 0, dnormXhatMean: Float = 0
    for i in 0..<C {
      let xhat = (x[i] - m) * r
      let dnorm = dy[i] * weight[i]
      dnormMean += dnorm
      dnormXhatMean += dnorm * xhat
      dbias?[i] += dy[i]
      dweight?[i] += dy[i] * xhat
    }
    dscale?[n] = -dnormXhatMean * r
    dnormMean /= Float(C)
    dnormXhatMean /= Float(C)
    for i in 0..<C {
      let xhat = (x[i] - m) * r
      dx[i] += (dy[i] * weight[i] - dnormMean - xhat * dnormXhatMean) * r
    }
  }
}
