/// GPT-2's reversible mapping between raw bytes and printable characters.
///
/// Byte-level BPE vocabularies never contain raw bytes: each byte is first
/// replaced by a visible character, so that every vocabulary entry is a
/// printable string. The 188 bytes that already print as themselves and are
/// not spaces (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) stand for themselves; the other
/// 68 bytes are given U+0100, U+0101, … U+0143 in increasing byte order.
/// A space (0x20) therefore shows as `Ġ` (U+0120) and a newline as `Ċ`.
public enum ByteLevel {
  /// `scalars[b]` is the character that stands for byte `b`.
  public static let scalars: [Unicode.Scalar] = {
    var table = [Unicode.Scalar](repeating: "\0", count: 256)
    var next: UInt32 = 256
    for byte in 0..<256 {
      if standsForItself(UInt8(byte)) {
        table[byte] = Unicode.Scalar(UInt8(byte))
      } else {
        table[byte] = Unicode.Scalar(next)!
        next += 1
      }
    }
    return table
  }()

  /// Inverse of `scalars`, indexed by scalar value; -1 where a scalar
  /// stands for no byte.
  static let bytesByScalar: [Int16] = {
    var inverse = [Int16](repeating: -1, count: 256 + 68)
    for (byte, scalar) in scalars.enumerated() { inverse[Int(scalar.value)] = Int16(byte) }
    return inverse
  }()

  /// Whether `byte` is one of the 188 bytes that map to themselves.
  public static func standsForItself(_ byte: UInt8) -> Bool {
    (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
  }

  /// The byte that `scalar` stands for, or nil if it stands for none.
  public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
    let value = Int(scalar.value)
    guard value < bytesByScalar.count else { return nil }
    let byte = bytesByScalar[value]
    return byte < 0 ? nil : UInt8(byte)
  }

  /// The printable form of `bytes`, e.g. `[0x20, 0x68, 0x69]` → `"Ġhi"`.
  public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    var view = String.UnicodeScalarView()
    for byte in bytes { view.append(scalars[Int(byte)]) }
    return String(view)
  }

  /// The bytes a printable form stands for, or nil if some character of
  /// `text` is not one of the 256 byte characters.
  public static func decode(_ text: String) -> [UInt8]? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
      guard let byte = byte(for: scalar) else { return nil }
      bytes.append(byte)
    }
    return bytes
  }
}
