import Foundation

// Unembedding and the log-softmax of logits. Legend: R rows, C d_model, V vocab.

/// logits[R,V] = x[R,C] · W_U, where the unembedding is stored [V,C] (GPT-2's tied wte).
public func unembedForward(
  logits: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, unembedding: UnsafePointer<Float>,
  R: Int, C: Int, V: Int
) {
  BLAS.matmul(input, unembedding, transposeB: true, into: logits, m: R, n: V, k: C)
}

/// out[R,V] = log softmax of each row of logits[R,V].
public func logSoftmax(_ logits: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, R: Int, V: Int) {
  for r in 0..<R {
    let x = logits + r * V, y = out + r * V
    var m = -Float.infinity
    for i in 0..<V { m = max(m, x[i]) }
    let mv = Float16x(repeating: m)
    forEachChunk(x, y, count: V) { v in vexp(v - mv) }
    let logTotal = Float(log(Double(vsum(y, count: V)))) + m
    for i in 0..<V { y[i] = x[i] - logTotal }
  }
}

/// Backward of `unembedForward`: dinput[R,C] = dlogits · W_U (overwrites);
/// dunembedding[V,C] += dlogitsᵀ · input.
public func unembedBackward(
  dinput: UnsafeMutablePointer<Float>, dunembedding: UnsafeMutablePointer<Float>?,
  dlogits: UnsafePointer<Float>, input: UnsafePointer<Float>, unembedding: UnsafePointer<Float>,
  R: Int, C: Int, V: Int
) {
  BLAS.matmul(dlogits, unembedding, into: dinput, m: R, n: C, k: V)
  if let dunembedding {
    BLAS.matmul(dlogits, transposeA: true, input, into: dunembedding, m: V, n: C, k: R, beta: 1)
  }
}

/// Mean cross-entropy of rows of logits[R,V] against targets[R] and its gradient
/// dlogits[R,V] = (softmax - onehot) / R. Targets < 0 are ignored (excluded from the mean).
public func crossEntropyForwardBackward(
  logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>, dlogits: UnsafeMutablePointer<Float>,
  R: Int, V: Int
) -> Float {
  var counted = 0
  for r in 0..<R where targets[r] >= 0 { counted += 1 }
  let inverse = counted > 0 ? 1 / Float(counted) : 0
  var total: Double = 0
  for r in 0..<R {
    let x = logits + r * V, d = dlogits + r * V
    guard targets[r] >= 0 else { d.update(repeating: 0, count: V); continue }
    var m = -Float.infinity
    for i in 0..<V { m = max(m, x[i]) }
    let mv = Float16x(repeating: m)
    forEachChunk(x, d, count: V) { v in vexp(v - mv) }
    let sum = vsum(d, count: V)
    let target = Int(targets[r])
    total += Double(m) + log(Double(sum)) - Double(x[target])
    let scale = inverse / sum
    for i in 0..<V { d[i] *= scale }
    d[target] -= inverse
  }
  return Float(total / Double(max(counted, 1)))
}
