/// The four character classes that GPT-2's pre-tokenizer pattern tells apart:
/// `\p{L}`, `\p{N}`, `\s` and everything else.
///
/// `\s` is the Unicode `White_Space` property (tab, LF, VT, FF, CR, space,
/// U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
/// U+3000) as in Python's `regex` and in Oniguruma, which HF `tokenizers`
/// uses. It is *not* Python's `str.isspace` (which adds U+001C–U+001F), and
/// zero-width space U+200B is not whitespace.
///
/// Letters and numbers are judged by general category. Hugging Face
/// `tokenizers` 0.23 carries Unicode 16.0 tables, so a scalar assigned in a
/// later Unicode version counts as unassigned (`other`) here, even when the
/// Swift runtime knows it; see `ScalarClass.referenceUnicodeVersion`.
public enum ScalarClass: UInt8, Sendable, CaseIterable {
  case letter
  case number
  case whitespace
  case other

  /// The newest Unicode version whose assignments count. Scalars assigned
  /// later are classified `other`, matching HF `tokenizers` (Oniguruma with
  /// Unicode 16.0 data) rather than whatever the Swift runtime ships.
  public static let referenceUnicodeVersion = (major: 16, minor: 0)

  /// The class of `scalar`.
  @inline(__always)
  public init(_ scalar: Unicode.Scalar) {
    let value = scalar.value
    if value < 0x10000 {
      self = ScalarClass(rawValue: ScalarClass.basicPlane[Int(value)])!
    } else {
      self = ScalarClass.computed(scalar)
    }
  }

  /// Precomputed classes for U+0000…U+FFFF (surrogate code points: `other`).
  static let basicPlane: [UInt8] = {
    var table = [UInt8](repeating: ScalarClass.other.rawValue, count: 0x10000)
    for value in 0..<0x10000 {
      if let scalar = Unicode.Scalar(UInt32(value)) { table[value] = computed(scalar).rawValue }
    }
    return table
  }()

  /// Classifies from the scalar's Unicode properties.
  static func computed(_ scalar: Unicode.Scalar) -> ScalarClass {
    let properties = scalar.properties
    guard let age = properties.age,
      (age.major, age.minor) <= (referenceUnicodeVersion.major, referenceUnicodeVersion.minor)
    else { return .other }
    if properties.isWhitespace { return .whitespace }
    switch properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
      return .letter
    case .decimalNumber, .letterNumber, .otherNumber:
      return .number
    default:
      return .other
    }
  }
}
