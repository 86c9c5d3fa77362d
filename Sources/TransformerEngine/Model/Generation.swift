/// Text generation by repeated forward passes.
public enum Generation {
  /// Greedy decoding: appends the arg-max token `count` times (stopping early at the context
  /// limit). Returns only the generated ids.
  public static func greedy(_ model: TransformerModel, prompt: [Int], count: Int) throws -> [Int] {
    var sequence = prompt
    var generated: [Int] = []
    for _ in 0..<count where sequence.count < model.config.contextLength {
      let logits = try model.forward([sequence], logits: .last).values
      var best = 0
      for i in logits.indices where logits[i] > logits[best] { best = i }
      sequence.append(best)
      generated.append(best)
    }
    return generated
  }
}

/// A small deterministic generator (SplitMix64), for seeded token ids and data order.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
