// Moving a suffix pass's attention inputs and outputs between its S suffix positions and all
// K = p+S positions, so that its attention runs through the same kernels as a full pass.
// Legend: B batch, Bp prefix rows (1 or B), S suffix positions, p prefix positions, K = p+S,
// C = NH*HS.

/// prefixedQKV[B,K,3C]: rows p..<K get the suffix's q | k | v from qkv[B,S,3C]; rows 0..<p get
/// k and v from prefixKeys / prefixValues [Bp,p,C] (Bp == 1: the same prefix for every row).
/// The q of rows 0..<p is not written (it stays as allocated: 0).
public func gatherPrefixedQKV(
  _ prefixedQKV: UnsafeMutablePointer<Float>, prefixKeys: UnsafePointer<Float>?, prefixValues: UnsafePointer<Float>?,
  prefixRows Bp: Int, qkv: UnsafePointer<Float>, B: Int, S: Int, p: Int, C: Int
) {
  let K = p + S
  for b in 0..<B {
    let row = prefixedQKV + b * K * 3 * C
    if let prefixKeys, let prefixValues, p > 0 {
      let source = (Bp == 1 ? 0 : b) * p * C
      for t in 0..<p {
        (row + t * 3 * C + C).update(from: prefixKeys + source + t * C, count: C)
        (row + t * 3 * C + 2 * C).update(from: prefixValues + source + t * C, count: C)
      }
    }
    (row + p * 3 * C).update(from: qkv + b * S * 3 * C, count: S * 3 * C)
  }
}

/// z[B,S,C] = rows p..<K of prefixedZ[B,K,C].
public func scatterSuffixRows(_ z: UnsafeMutablePointer<Float>, prefixedZ: UnsafePointer<Float>, B: Int, S: Int, p: Int, C: Int) {
  for b in 0..<B {
    (z + b * S * C).update(from: prefixedZ + (b * (p + S) + p) * C, count: S * C)
  }
}
