/// Small helpers for walking well-formed UTF-8 (as produced by `String`).
enum UTF8Scanning {
  /// Decodes the scalar starting at `index`; returns its value and length.
  @inline(__always)
  static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
    let b0 = UInt32(bytes[index])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 {
      return ((b0 & 0x1F) << 6 | UInt32(bytes[index + 1]) & 0x3F, 2)
    }
    if b0 < 0xF0 {
      return ((b0 & 0x0F) << 12 | (UInt32(bytes[index + 1]) & 0x3F) << 6
        | UInt32(bytes[index + 2]) & 0x3F, 3)
    }
    return ((b0 & 0x07) << 18 | (UInt32(bytes[index + 1]) & 0x3F) << 12
      | (UInt32(bytes[index + 2]) & 0x3F) << 6 | UInt32(bytes[index + 3]) & 0x3F, 4)
  }

  /// The scalar that ends just before `end` (which must be > `start`).
  static func scalar(in bytes: UnsafeBufferPointer<UInt8>, endingAt end: Int, notBefore start: Int) -> Unicode.Scalar {
    var begin = end - 1
    while begin > start && bytes[begin] & 0xC0 == 0x80 { begin -= 1 }
    return Unicode.Scalar(scalar(in: bytes, at: begin).value) ?? "\u{FFFD}"
  }

  /// Lossy UTF-8 decoding: each maximal invalid subsequence becomes U+FFFD,
  /// as Rust's `String::from_utf8_lossy` and Python's `errors="replace"` do.
  static func lossyString<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    String(decoding: bytes, as: UTF8.self)
  }
}
