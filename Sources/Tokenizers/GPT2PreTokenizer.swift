/// GPT-2's pre-tokenizer: splits text into the pieces that BPE then works on.
///
/// It is a hand-written matcher equivalent to the regular expression
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// applied repeatedly from the start of the text, with the alternatives tried
/// in order (first match wins, not longest). Notable consequences:
/// - contractions are only the lowercase, ASCII-apostrophe forms; `'S` is
///   punctuation followed by a word;
/// - a single ASCII space (U+0020, no other space) joins the run after it;
/// - `\s+(?!\S)`: a whitespace run that is followed by a non-space gives up
///   its last character, which then starts the next piece (`"a  b"` →
///   `"a"`, `" "`, `" b"`; `"a\n\nb"` → `"a"`, `"\n"`, `"\n"`, `"b"`).
///
/// Character classes come from `ScalarClass`.
public enum GPT2PreTokenizer {
  /// The pre-token pieces of `text`, in order; they concatenate to `text`.
  public static func split(_ text: String) -> [String] {
    var text = text
    return text.withUTF8 { bytes in
      var pieces: [String] = []
      forEachPiece(in: bytes, range: 0..<bytes.count) { range in
        pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
      }
      return pieces
    }
  }

  /// Calls `body` with the byte range of each piece of `bytes[range]`,
  /// which must be well-formed UTF-8.
  static func forEachPiece(
    in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, _ body: (Range<Int>) -> Void
  ) {
    let scalars = ClassifiedScalars(bytes, range: range)
    var start = 0
    while start < scalars.count {
      let end = scalars.pieceEnd(from: start)
      body(scalars.offsets[start]..<scalars.offsets[end])
      start = end
    }
  }
}

/// The scalars of a UTF-8 range with their classes and byte offsets.
struct ClassifiedScalars {
  /// Scalar values.
  var values: [UInt32] = []
  /// `ScalarClass` of each scalar.
  var classes: [ScalarClass] = []
  /// Byte offset of each scalar, plus one final entry for the end.
  var offsets: [Int] = []

  var count: Int { values.count }

  init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
    values.reserveCapacity(range.count)
    classes.reserveCapacity(range.count)
    offsets.reserveCapacity(range.count + 1)
    var index = range.lowerBound
    while index < range.upperBound {
      let (value, length) = UTF8Scanning.scalar(in: bytes, at: index)
      values.append(value)
      classes.append(ScalarClass(Unicode.Scalar(value)!))
      offsets.append(index)
      index += length
    }
    offsets.append(range.upperBound)
  }

  private static let apostrophe: UInt32 = 0x27
  private static let space: UInt32 = 0x20

  /// The end (scalar index) of the piece starting at `start`.
  func pieceEnd(from start: Int) -> Int {
    if values[start] == Self.apostrophe, let end = contractionEnd(from: start) { return end }
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional ASCII space,
    // then a run of one class.
    var first = start
    if values[start] == Self.space && start + 1 < count && classes[start + 1] != .whitespace {
      first = start + 1
    }
    let runClass = classes[first]
    if runClass != .whitespace {
      var end = first + 1
      while end < count && classes[end] == runClass { end += 1 }
      return end
    }
    // `\s+(?!\S)` then `\s+`.
    var end = start + 1
    while end < count && classes[end] == .whitespace { end += 1 }
    if end == count || end - start == 1 { return end }
    return end - 1
  }

  /// End of `'s|'t|'re|'ve|'m|'ll|'d` at `start`, if one matches there.
  private func contractionEnd(from start: Int) -> Int? {
    guard start + 1 < count else { return nil }
    let a = values[start + 1]
    switch a {
    case 0x73, 0x74, 0x6D, 0x64:  // s t m d
      return start + 2
    default:
      break
    }
    guard start + 2 < count else { return nil }
    let b = values[start + 2]
    switch (a, b) {
    case (0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C):  // re ve ll
      return start + 3
    default:
      return nil
    }
  }
}
