/// Characters that show a value's magnitude and sign without colour, so heat maps read on a
/// monochrome terminal and in text snapshots: shades for positive values, bars for negative.
enum HeatGlyph {
  static let positive: [Character] = ["·", "░", "░", "▒", "▓", "█", "█"]
  static let negative: [Character] = ["·", "-", "-", "=", "≡", "≣", "≣"]

  /// The glyph for `value` on a scale whose largest magnitude is `scale`.
  static func glyph(_ value: Double, scale: Double) -> Character {
    let level = self.level(value, scale: scale)
    return value < 0 ? negative[level] : positive[level]
  }

  /// 0 (under 1/12 of the scale: about zero) to 6 (the largest magnitude).
  static func level(_ value: Double, scale: Double) -> Int {
    guard scale > 0, value.isFinite else { return 0 }
    return max(0, min(6, Int((min(abs(value) / scale, 1) * 6).rounded())))
  }

  static func role(_ value: Double, scale: Double) -> StyleRole {
    StyleRole.heat(level: level(value, scale: scale), negative: value < 0)
  }
}
