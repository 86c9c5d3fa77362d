// Vectorised elementwise maths shared by the kernels (softmax, GELU, cross-entropy).
//
// `exp` is the Cephes single-precision scheme: range reduction by ln 2 split in two parts,
// a degree-6 polynomial on [-ln2/2, ln2/2], then scaling by 2^n through the exponent bits.
// Relative error is below 2e-7 over the clamped range, far inside the engine's 1e-4 budget.

public typealias Float16x = SIMD16<Float>

@usableFromInline let expUpperClamp: Float = 88.37626
@usableFromInline let expLowerClamp: Float = -87.33654

/// e^x for 16 lanes at once. Inputs below -87.3 return ~1e-38 (not 0); callers that need exact
/// zeros for masked entries skip them.
@inlinable @inline(__always)
public func vexp(_ input: Float16x) -> Float16x {
  var x = pointwiseMax(pointwiseMin(input, Float16x(repeating: expUpperClamp)), Float16x(repeating: expLowerClamp))
  // Round x·log2(e) to the nearest integer n by adding 1.5·2^23: the sum's low mantissa bits
  // then hold n, read back through the bit pattern (vectorises, unlike Float -> Int conversion).
  let magic = Float16x(repeating: 12_582_912)
  let shifted = x * 1.442695041 + magic
  let n = shifted - magic
  x = x - n * 0.693359375
  x = x - n * -2.12194440e-4
  var p: Float16x = Float16x(repeating: 1.9875691500e-4)
  p = p * x + 1.3981999507e-3
  p = p * x + 8.3334519073e-3
  p = p * x + 4.1665795894e-2
  p = p * x + 1.6666665459e-1
  p = p * x + 5.0000001201e-1
  p = p * (x * x) + x + 1
  let integer = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
  let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Float16x.self)
  return p * scale
}

/// tanh for 16 lanes, as 1 - 2 / (1 + e^{2x}); absolute error below 3e-7.
@inlinable @inline(__always)
public func vtanh(_ x: Float16x) -> Float16x {
  1 - 2 / (1 + vexp(2 * x))
}

/// Applies `body` to `count` floats in 16-lane chunks, with a zero-padded tail.
@inlinable @inline(__always)
public func forEachChunk(
  _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int,
  _ body: (Float16x) -> Float16x
) {
  var i = 0
  while i + 16 <= count {
    let v = UnsafeRawPointer(input + i).loadUnaligned(as: Float16x.self)
    UnsafeMutableRawPointer(output + i).storeBytes(of: body(v), as: Float16x.self)
    i += 16
  }
  if i < count {
    var v = Float16x(repeating: 0)
    for j in 0..<(count - i) { v[j] = input[i + j] }
    let r = body(v)
    for j in 0..<(count - i) { output[i + j] = r[j] }
  }
}

/// Sum of `count` floats.
@inlinable
public func vsum(_ x: UnsafePointer<Float>, count: Int) -> Float {
  var acc = Float16x(repeating: 0)
  var i = 0
  while i + 16 <= count {
    acc += UnsafeRawPointer(x + i).loadUnaligned(as: Float16x.self)
    i += 16
  }
  var total = acc.sum()
  while i < count { total += x[i]; i += 1 }
  return total
}

/// Dot product of two `count`-float vectors.
@inlinable
public func vdot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
  var acc = Float16x(repeating: 0)
  var i = 0
  while i + 16 <= count {
    acc += UnsafeRawPointer(x + i).loadUnaligned(as: Float16x.self)
      * UnsafeRawPointer(y + i).loadUnaligned(as: Float16x.self)
    i += 16
  }
  var total = acc.sum()
  while i < count { total += x[i] * y[i]; i += 1 }
  return total
}
