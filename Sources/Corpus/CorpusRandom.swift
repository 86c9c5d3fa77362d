/// The corpus's own pseudo-random number generator: xoshiro256** (Blackman & Vigna 2018) seeded
/// through SplitMix64 (Steele, Lea & Flood 2014).
///
/// Everything the corpus produces comes from this generator, and every derived draw (bounded
/// integers, coin flips, picks, shuffles) is implemented here rather than with the standard
/// library's `random(in:)`, `randomElement()` or `shuffled()`, whose algorithms may change between
/// Swift releases. With only 64-bit integer and IEEE double arithmetic, a seed gives the same
/// stream on every platform and in every run.
public struct CorpusRandom: Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// Seeds the four state words with four consecutive SplitMix64 outputs, as Vigna recommends.
  public init(seed: UInt64) {
    var mixer = SplitMix64(state: seed)
    s0 = mixer.next()
    s1 = mixer.next()
    s2 = mixer.next()
    s3 = mixer.next()
  }

  /// The next 64 random bits (xoshiro256**).
  public mutating func next() -> UInt64 {
    let result = rotateLeft(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotateLeft(s3, 45)
    return result
  }

  /// A uniform integer in `0..<bound` (`bound > 0`), without modulo bias (Lemire's
  /// multiply-and-shift with rejection).
  public mutating func below(_ bound: Int) -> Int {
    precondition(bound > 0, "below(_:) needs a positive bound")
    let range = UInt64(bound)
    var product = next().multipliedFullWidth(by: range)
    if product.low < range {
      let threshold = (0 &- range) % range
      while product.low < threshold {
        product = next().multipliedFullWidth(by: range)
      }
    }
    return Int(product.high)
  }

  /// A uniform integer in `range`.
  public mutating func int(in range: ClosedRange<Int>) -> Int {
    range.lowerBound + below(range.upperBound - range.lowerBound + 1)
  }

  /// A uniform double in `[0, 1)` built from the top 53 bits.
  public mutating func unit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// True with probability `probability`.
  public mutating func chance(_ probability: Double) -> Bool {
    unit() < probability
  }

  /// A uniformly chosen element of a non-empty array.
  public mutating func pick<T>(_ items: [T]) -> T {
    items[below(items.count)]
  }

  /// An index drawn with probability proportional to `weights` (non-negative, positive sum).
  public mutating func weightedIndex(_ weights: [Double]) -> Int {
    let total = weights.reduce(0, +)
    precondition(total > 0, "weightedIndex(_:) needs a positive total weight")
    var target = unit() * total
    for (index, weight) in weights.enumerated() {
      if target < weight { return index }
      target -= weight
    }
    return weights.lastIndex(where: { $0 > 0 }) ?? 0
  }

  /// `count` distinct indices in `0..<bound`, in random order.
  public mutating func distinctIndices(_ count: Int, below bound: Int) -> [Int] {
    precondition(count <= bound, "cannot draw \(count) distinct values below \(bound)")
    var chosen: [Int] = []
    chosen.reserveCapacity(count)
    while chosen.count < count {
      let candidate = below(bound)
      if !chosen.contains(candidate) { chosen.append(candidate) }
    }
    return chosen
  }

  /// A Fisher-Yates shuffle of `items`.
  public mutating func shuffled<T>(_ items: [T]) -> [T] {
    var result = items
    var index = result.count - 1
    while index > 0 {
      let other = below(index + 1)
      result.swapAt(index, other)
      index -= 1
    }
    return result
  }

  private func rotateLeft(_ value: UInt64, _ amount: UInt64) -> UInt64 {
    (value << amount) | (value >> (64 - amount))
  }
}

/// SplitMix64 (Steele, Lea & Flood 2014), used only to expand a 64-bit seed into xoshiro state.
public struct SplitMix64: Sendable {
  public var state: UInt64

  public init(state: UInt64) {
    self.state = state
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
