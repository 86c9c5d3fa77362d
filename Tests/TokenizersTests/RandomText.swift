/// Random test strings mixing scripts, emoji, combining marks, controls,
/// unusual spaces and contraction fragments.
enum RandomText {
  private static let pools: [[String]] = [
    Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").map(String.init),
    Array("0123456789").map(String.init),
    Array("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'").map(String.init),
    [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{B}", "\u{C}", "\u{85}", "\u{A0}", "\u{2009}",
     "\u{3000}", "\u{2028}", "\u{200B}", "\u{FEFF}"],
    ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "n't", "<|endoftext|>"],
    scalars(0xC0..<0x250),
    scalars(0x300..<0x370),
    scalars(0x391..<0x3CA) + scalars(0x410..<0x450) + scalars(0x5D0..<0x5EB) + scalars(0x620..<0x64B),
    scalars(0x4E00..<0x4F00) + scalars(0x3041..<0x3097) + scalars(0xAC00..<0xAD00),
    scalars(0x1F300..<0x1F650) + scalars(0x1F900..<0x1FA00)
      + ["\u{200D}", "\u{FE0F}", "\u{1F3FB}", "\u{1F1FA}\u{1F1F8}", "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"],
    scalars(0x00..<0x20) + scalars(0x7F..<0xA0),
    ["\u{FFFD}", "\u{E000}", "\u{10FFFF}", "\u{FFFF}", "\u{A7CE}", "\u{1C89}", "\u{E0001}"],
  ]

  private static func scalars(_ range: Range<UInt32>) -> [String] {
    range.compactMap { Unicode.Scalar($0).map { String($0) } }
  }

  /// A random string of up to `maxLength` fragments.
  static func string<G: RandomNumberGenerator>(using random: inout G, maxLength: Int) -> String {
    var text = ""
    for _ in 0..<Int.random(in: 1...maxLength, using: &random) {
      let pool = pools[Int.random(in: 0..<pools.count, using: &random)]
      text += pool[Int.random(in: 0..<pool.count, using: &random)]
    }
    return text
  }
}
