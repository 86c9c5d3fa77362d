// The residual stream's additions. Legend: N elements.

/// out[N] = a[N] + b[N] (out may alias a).
public func residualForward(
  out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, N: Int
) {
  var i = 0
  while i + 16 <= N {
    let s = UnsafeRawPointer(a + i).loadUnaligned(as: Float16x.self)
      + UnsafeRawPointer(b + i).loadUnaligned(as: Float16x.self)
    UnsafeMutableRawPointer(out + i).storeBytes(of: s, as: Float16x.self)
    i += 16
  }
  while i < N { out[i] = a[i] + b[i]; i += 1 }
}
