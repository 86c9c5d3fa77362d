import Foundation

/// SHA-256 (FIPS 180-4), for identifying weight files: a trained model's checksum, and later the
/// model field of every result. Streaming: `update` any number of times, then `finalize`.
public struct SHA256: Sendable {
  /// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
  private static let roundConstants: [UInt32] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]

  /// H0...H7: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
  private var state: [UInt32] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]
  /// Bytes not yet forming a whole 64-byte block.
  private var pending: [UInt8] = []
  private var byteCount: UInt64 = 0

  public init() {}

  /// The hex digest of `data`.
  public static func hex<D: DataProtocol>(_ data: D) -> String {
    var hasher = SHA256()
    hasher.update(data)
    return hasher.finalizeHex()
  }

  /// The hex digest of a file's contents, read in 1 MiB pieces.
  public static func hex(fileAt url: URL) throws -> String {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
    return hasher.finalizeHex()
  }

  /// `finalize()` as 64 lower-case hex digits.
  public mutating func finalizeHex() -> String {
    finalize().map { String(format: "%02x", $0) }.joined()
  }

  public mutating func update<D: DataProtocol>(_ data: D) {
    byteCount &+= UInt64(data.count)
    for region in data.regions {
      region.withUnsafeBytes { raw in
        var bytes = raw[...]
        if !pending.isEmpty {
          let take = min(64 - pending.count, bytes.count)
          pending += bytes.prefix(take)
          bytes = bytes.dropFirst(take)
          if pending.count == 64 {
            pending.withUnsafeBytes { compress(block: $0.baseAddress!) }
            pending.removeAll(keepingCapacity: true)
          }
        }
        while bytes.count >= 64 {
          compress(block: UnsafeRawBufferPointer(rebasing: bytes.prefix(64)).baseAddress!)
          bytes = bytes.dropFirst(64)
        }
        pending += bytes
      }
    }
  }

  /// The 32-byte digest. Pads with 0x80, zeros and the message length in bits (big-endian).
  public mutating func finalize() -> [UInt8] {
    let bits = byteCount &* 8
    var tail = pending + [0x80]
    while tail.count % 64 != 56 { tail.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    tail.withUnsafeBytes { raw in
      for offset in stride(from: 0, to: raw.count, by: 64) { compress(block: raw.baseAddress! + offset) }
    }
    pending.removeAll()
    return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32($0))) } }
  }

  /// One 64-byte block into the state. The message schedule lives on the stack: a file of
  /// hundreds of megabytes is millions of blocks.
  private mutating func compress(block: UnsafeRawPointer) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in  // message schedule [64]
      for i in 0..<16 {
        let b = block.advanced(by: 4 * i).assumingMemoryBound(to: UInt8.self)
        w[i] = UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
      }
      for i in 16..<64 {
        let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
        let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
        w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
      }
      var (a, b, c, d, e, f, g, h) = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
      for i in 0..<64 {
        let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
        let choose = (e & f) ^ (~e & g)
        let t1 = h &+ s1 &+ choose &+ Self.roundConstants[i] &+ w[i]
        let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
        let majority = (a & b) ^ (a & c) ^ (b & c)
        let t2 = s0 &+ majority
        (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
      }
      for (i, value) in [a, b, c, d, e, f, g, h].enumerated() { state[i] &+= value }
    }
  }

  private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
