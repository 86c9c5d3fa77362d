extension BPETokenizer {
  /// The text of `ids`: their bytes joined, invalid UTF-8 replaced by U+FFFD
  /// (like `transformers`' `decode`, which uses `errors="replace"`). Unknown
  /// ids are skipped; special tokens are kept.
  public func decode(_ ids: [Int]) -> String {
    UTF8Scanning.lossyString(decodeBytes(ids))
  }

  /// The raw bytes of `ids`, joined. Unknown ids are skipped.
  public func decodeBytes(_ ids: [Int]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(ids.count * 4)
    for id in ids {
      if let tokenBytes = tokenBytes(id) { bytes.append(contentsOf: tokenBytes) }
    }
    return bytes
  }

  /// One token decoded for display, e.g. `" Mary"`; partial UTF-8 shows as
  /// U+FFFD. Empty for an unknown id.
  public func tokenText(_ id: Int) -> String {
    UTF8Scanning.lossyString(tokenBytes(id) ?? [])
  }

  /// The id of `tokenText` if that exact text is one token: an added
  /// token's content, or a vocabulary entry once its UTF-8 bytes are mapped
  /// to byte-level form (`" Mary"` → `"ĠMary"`). Nil otherwise.
  public func id(of tokenText: String) -> Int? {
    if let id = addedByContent[tokenText] { return id }
    return model.vocabulary[ByteLevel.encode(tokenText.utf8)].map(Int.init)
  }

  /// The id of a vocabulary entry given in byte-level form (`"ĠMary"`), or
  /// of an added token given by content.
  public func id(ofVocabularyEntry entry: String) -> Int? {
    if let id = addedByContent[entry] { return id }
    return model.vocabulary[entry].map(Int.init)
  }

  /// The vocabulary string of `id` in byte-level form (`"ĠMary"`), or an
  /// added token's content. Nil for an unknown id.
  public func vocabularyEntry(_ id: Int) -> String? { string(for: id) }

  /// Bytes of one token, or nil for an unknown id.
  func tokenBytes(_ id: Int) -> [UInt8]? {
    guard id >= 0 && id < bytesByID.count else { return nil }
    return bytesByID[id]
  }

  /// The bytes a token string stands for, as Hugging Face's ByteLevel
  /// decoder computes them: if every character is a byte character, those
  /// bytes; otherwise the string's own UTF-8. Added tokens go through this
  /// too, so an added token `<|ü|>` decodes to `<|`, the lone byte 0xFC
  /// (`ü` is the byte character for 0xFC) and `|>`: "<|\u{FFFD}|>" as text.
  static func decodedBytes(ofToken token: String) -> [UInt8] {
    ByteLevel.decode(token) ?? Array(token.utf8)
  }
}
