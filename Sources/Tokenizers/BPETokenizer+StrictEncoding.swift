import Foundation

/// Text that a tokenizer cannot encode faithfully: some byte of it has no
/// token of its own in the vocabulary (a reduced vocabulary may lack byte
/// symbols), so `encode` would drop it (or map it to the unknown token).
public struct UnrepresentableTextError: Error, LocalizedError, CustomStringConvertible, Equatable, Sendable {
  /// The first character (grapheme cluster) with such a byte.
  public let character: Character
  /// Its position: 0-based index in characters from the start of the text,
  /// and 0-based offset of the offending byte in the text's UTF-8.
  public let characterIndex: Int
  public let utf8Offset: Int
  /// 1-based line (lines end at "\n") and column (in characters).
  public let line: Int
  public let column: Int
  /// The bytes of `character` that the vocabulary lacks.
  public let missingBytes: [UInt8]

  public var description: String {
    let scalars = character.unicodeScalars.map { "U+" + Self.hex($0.value, digits: 4) }.joined(separator: " ")
    let bytes = missingBytes.map { "0x" + Self.hex(UInt32($0), digits: 2) }.joined(separator: ", ")
    return "cannot encode character \(VocabularyFiles.quoted(String(character))) (\(scalars)) at line \(line),"
      + " column \(column) (character \(characterIndex), UTF-8 offset \(utf8Offset)):"
      + " the vocabulary has no token for byte\(missingBytes.count == 1 ? "" : "s") \(bytes)"
  }

  public var errorDescription: String? { description }

  private static func hex(_ value: UInt32, digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}

extension BPETokenizer {
  /// Like `encode`, but throws `UnrepresentableTextError` instead of
  /// silently losing text: for training corpora, where every byte must
  /// reach the model.
  ///
  /// `encode` follows Hugging Face `tokenizers` here: a byte whose symbol is
  /// not in the vocabulary is dropped from its piece when the model has no
  /// `unk_token` (GPT-2's vocab.json + merges.txt, as `transformers` loads
  /// them, has none), and becomes the unknown token when it has one.
  public func encodeStrict(_ text: String, prependBOS: Bool = false) throws -> [Int] {
    if model.byteIDs.contains(where: { $0 < 0 }), let offset = firstUnrepresentableByte(in: text) {
      throw Self.unrepresentable(text, at: offset, byteIDs: model.byteIDs)
    }
    return encode(text, prependBOS: prependBOS)
  }

  /// UTF-8 offset of the first byte that `encode` would not keep as (part
  /// of) a token, or nil. Added tokens are whole tokens; with
  /// `ignore_merges`, a piece that is a vocabulary entry is one token.
  func firstUnrepresentableByte(in text: String) -> Int? {
    let byteIDs = model.byteIDs
    var found: Int?
    forEachSegment(of: text) { segment, bytes in
      guard found == nil, case .text(let range) = segment else { return }
      if addsPrefixSpace && bytes[range.lowerBound] != 0x20 && byteIDs[0x20] < 0 {
        found = range.lowerBound  // the added prefix space would be lost
        return
      }
      guard let first = range.first(where: { byteIDs[Int(bytes[$0])] < 0 }) else { return }
      guard model.ignoreMerges else {
        found = first
        return
      }
      GPT2PreTokenizer.forEachPiece(in: bytes, range: range) { piece in
        guard found == nil else { return }
        let slice = UnsafeBufferPointer(rebasing: bytes[piece])
        if model.vocabulary[ByteLevel.encode(slice)] != nil { return }
        found = piece.first { byteIDs[Int(bytes[$0])] < 0 }
      }
    }
    return found
  }

  /// The error for the byte at `offset`, located by character and line.
  static func unrepresentable(_ text: String, at offset: Int, byteIDs: [Int32]) -> UnrepresentableTextError {
    var index = text.startIndex
    var start = 0
    var characterIndex = 0
    var line = 1
    var column = 1
    while index < text.endIndex {
      let character = text[index]
      let end = start + character.utf8.count
      if offset < end {
        let missing = character.utf8.filter { byteIDs[Int($0)] < 0 }
        return UnrepresentableTextError(
          character: character, characterIndex: characterIndex, utf8Offset: offset, line: line,
          column: column, missingBytes: missing.isEmpty ? [0x20] : missing)
      }
      if character.unicodeScalars.contains("\n") {
        line += 1
        column = 1
      } else {
        column += 1
      }
      characterIndex += 1
      start = end
      index = text.index(after: index)
    }
    preconditionFailure("offset \(offset) is outside the text")
  }
}
