/// The `\w` and `\s` classes used around added tokens (Rust `regex`
/// semantics, as in Hugging Face `tokenizers`).
enum WordCharacters {
  /// `\w`: alphabetic, a mark, a decimal digit, connector punctuation or a
  /// join control.
  static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    let properties = scalar.properties
    if properties.isAlphabetic || properties.isJoinControl { return true }
    switch properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
      return true
    default:
      return false
    }
  }

  /// Start of the whitespace run that ends `bytes[range]` (its upper bound
  /// if there is none).
  static func startOfTrailingWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int {
    var start = range.upperBound
    while start > range.lowerBound {
      let scalar = UTF8Scanning.scalar(in: bytes, endingAt: start, notBefore: range.lowerBound)
      guard scalar.properties.isWhitespace else { break }
      start -= UTF8.width(scalar)
    }
    return start
  }

  /// End of the whitespace run that starts `bytes[range]` (its lower bound
  /// if there is none).
  static func endOfLeadingWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int {
    var end = range.lowerBound
    while end < range.upperBound {
      let (value, length) = UTF8Scanning.scalar(in: bytes, at: end)
      guard Unicode.Scalar(value)!.properties.isWhitespace else { break }
      end += length
    }
    return end
  }
}
