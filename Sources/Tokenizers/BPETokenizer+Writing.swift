import Foundation

extension BPETokenizer {
  /// Writes GPT-2's two-file format into `directory` (created if needed):
  /// `vocab.json`, one JSON object in id order with non-ASCII characters
  /// escaped, as OpenAI's `encoder.json` (for a trained tokenizer: the bytes
  /// in GPT-2's byte-to-unicode order, the merges in rank order, then the
  /// special tokens); and `merges.txt`, a `#version: 0.2` line then one
  /// `left right` line per merge in rank order. Each file is written to a
  /// temporary sibling and renamed over the target, so readers never see a
  /// partial file.
  ///
  /// The format holds the vocabulary (including added tokens' ids) and the
  /// merges, nothing else: on reload only `<|endoftext|>` is special, and
  /// `add_prefix_space`, an `unk_token` or `ignore_merges` from a
  /// `tokenizer.json` are lost. A tokenizer from `BPETrainer` with the
  /// default special tokens, or one loaded from these two files, loads back
  /// identical.
  public func write(to directory: URL) throws {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw TokenizerError(.unwritableFile, file: directory.path, "cannot create the directory")
    }
    let vocabularyData = Data(vocabularyJSON().utf8)
    let mergesData = Data(try mergesText().utf8)
    try Self.writeAtomically(vocabularyData, to: directory.appendingPathComponent("vocab.json"))
    try Self.writeAtomically(mergesData, to: directory.appendingPathComponent("merges.txt"))
  }

  /// vocab.json's text: vocabulary entries and added tokens that are not
  /// already vocabulary entries, by id.
  func vocabularyJSON() -> String {
    var entries = model.vocabulary.map { (id: Int($0.value), token: $0.key) }
    let ids = Set(entries.map(\.id))
    for token in addedTokens where model.vocabulary[token.content] == nil && !ids.contains(token.id) {
      entries.append((token.id, token.content))
    }
    entries.sort { $0.id < $1.id }
    var text = "{"
    for (index, entry) in entries.enumerated() {
      if index > 0 { text += ", " }
      text += Self.jsonString(entry.token)
      text += ": \(entry.id)"
    }
    text += "}"
    return text
  }

  /// merges.txt's text, merges in rank order.
  func mergesText() throws -> String {
    var tokens: [Int32: String] = [:]
    tokens.reserveCapacity(model.vocabulary.count)
    for (token, id) in model.vocabulary { tokens[id] = token }
    let ranked = model.merges.sorted { $0.value.rank < $1.value.rank }
    let unwritable = { (symbol: String) in
      symbol.isEmpty || symbol.unicodeScalars.contains { $0 == " " || $0 == "\n" || $0 == "\r" }
    }
    var text = "#version: 0.2\n"
    for (key, merge) in ranked {
      let left = tokens[Int32(truncatingIfNeeded: key >> 32)] ?? ""
      let right = tokens[Int32(truncatingIfNeeded: key)] ?? ""
      for symbol in [left, right] where unwritable(symbol) {
        throw TokenizerError(
          .unwritableFile, file: "merges.txt",
          "merge of rank \(merge.rank) has symbol \(VocabularyFiles.quoted(symbol)), which merges.txt cannot hold")
      }
      text += left
      text += " "
      text += right
      text += "\n"
    }
    return text
  }

  /// `token` as a JSON string literal, ASCII only (like Python's
  /// `json.dumps` with `ensure_ascii`).
  static func jsonString(_ token: String) -> String {
    var text = "\""
    for unit in token.utf16 {
      switch unit {
      case 0x22: text += "\\\""
      case 0x5C: text += "\\\\"
      case 0x0A: text += "\\n"
      case 0x0D: text += "\\r"
      case 0x09: text += "\\t"
      case 0x08: text += "\\b"
      case 0x0C: text += "\\f"
      case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
      default:
        let hex = String(unit, radix: 16)
        text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      }
    }
    return text + "\""
  }

  /// Writes `data` to a temporary sibling of `url`, then renames it over
  /// `url` (atomic on one file system).
  static func writeAtomically(_ data: Data, to url: URL) throws {
    let suffix = "tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(suffix)")
    do {
      try data.write(to: temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw TokenizerError(.unwritableFile, file: url.lastPathComponent, "cannot be written (\(url.path))")
    }
    guard rename(temporary.path, url.path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw TokenizerError(.unwritableFile, file: url.lastPathComponent, "cannot be replaced (\(url.path)): \(reason)")
    }
  }
}
