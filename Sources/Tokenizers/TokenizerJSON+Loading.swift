import Foundation

/// Loading a `tokenizer.json`: decoding, validation, and error wording.
extension TokenizerJSON {
  /// Everything a `BPETokenizer` is built from.
  struct Contents {
    var model: BPEModel
    var addedTokens: [AddedToken]
    var addsPrefixSpace: Bool
  }

  /// Reads and validates a `tokenizer.json`.
  static func load(_ url: URL) throws -> Contents {
    let name = url.lastPathComponent
    let data = try FileReading.data(url)
    let file: TokenizerJSON
    do {
      file = try JSONDecoder().decode(TokenizerJSON.self, from: data)
    } catch let error as DecodingError {
      throw TokenizerError(.malformedFile, file: name, describe(error))
    } catch {
      throw TokenizerError(.malformedFile, file: name, "not valid JSON")
    }
    return try file.contents(file: name)
  }

  private func contents(file name: String) throws -> Contents {
    func unsupported(_ message: String) -> TokenizerError {
      TokenizerError(.unsupportedFeature, file: name, message)
    }
    func malformed(_ message: String) -> TokenizerError {
      TokenizerError(.malformedFile, file: name, message)
    }
    if let type = model.type, type != "BPE" {
      throw unsupported("model.type is \(VocabularyFiles.quoted(type)); only \"BPE\" is supported")
    }
    guard let rawVocabulary = model.vocab else { throw malformed("model.vocab is missing") }
    guard let rawMerges = model.merges else { throw malformed("model.merges is missing") }
    if let dropout = model.dropout, dropout > 0 { throw unsupported("model.dropout (BPE dropout) is not supported") }
    if let prefix = model.continuing_subword_prefix, !prefix.isEmpty {
      throw unsupported("model.continuing_subword_prefix is not supported")
    }
    if let suffix = model.end_of_word_suffix, !suffix.isEmpty {
      throw unsupported("model.end_of_word_suffix is not supported")
    }
    if model.byte_fallback == true { throw unsupported("model.byte_fallback is not supported") }
    if let normalizer, !(normalizer.type == "Sequence" && (normalizer.normalizers ?? []).isEmpty) {
      throw unsupported("normalizer \(VocabularyFiles.quoted(normalizer.type)) is not supported")
    }
    let addsPrefixSpace = try Self.checkPreTokenizer(pre_tokenizer, unsupported: unsupported)

    let vocabulary = try VocabularyFiles.checkedVocabulary(rawVocabulary, file: name, path: "model.vocab: ")
    var pairs: [(origin: MergeTable.Origin, left: String, right: String)] = []
    pairs.reserveCapacity(rawMerges.count)
    for (index, entry) in rawMerges.enumerated() {
      guard let (left, right) = entry.symbols else {
        throw malformed("model.merges[\(index)]: expected two symbols")
      }
      pairs.append((.index(index), left, right))
    }
    let merges = try MergeTable.build(pairs, vocabulary: vocabulary, file: name)
    var unknownID: Int32?
    if let unknown = model.unk_token {
      guard let id = vocabulary[unknown] else {
        throw malformed("model.unk_token \(VocabularyFiles.quoted(unknown)) is not in the vocabulary")
      }
      unknownID = id
    }
    let added = try (added_tokens ?? []).enumerated().map { index, token -> AddedToken in
      guard token.id >= 0 && token.id < VocabularyFiles.largestID else {
        throw malformed("added_tokens[\(index)]: id \(token.id) is out of range")
      }
      let special = token.special ?? false
      return AddedToken(
        id: token.id, content: token.content, isSpecial: special,
        stripsLeft: token.lstrip ?? false, stripsRight: token.rstrip ?? false,
        singleWord: token.single_word ?? false, normalized: token.normalized ?? !special)
    }
    let model = BPEModel(
      vocabulary: vocabulary, merges: merges, unknownID: unknownID,
      fuseUnknown: model.fuse_unk ?? false, ignoreMerges: model.ignore_merges ?? false)
    return Contents(model: model, addedTokens: added, addsPrefixSpace: addsPrefixSpace)
  }

  /// Accepts GPT-2's `ByteLevel` pre-tokenizer (alone or as the only member
  /// of a `Sequence`) and returns its `add_prefix_space`.
  private static func checkPreTokenizer(
    _ preTokenizer: PreTokenizer?, unsupported: (String) -> TokenizerError
  ) throws -> Bool {
    guard var step = preTokenizer else {
      throw unsupported("pre_tokenizer is null; only GPT-2's ByteLevel pre-tokenizer is supported")
    }
    if step.type == "Sequence", let inner = step.pretokenizers, inner.count == 1 { step = inner[0] }
    guard step.type == "ByteLevel" else {
      throw unsupported("pre_tokenizer \(VocabularyFiles.quoted(step.type)) is not supported (only GPT-2's ByteLevel)")
    }
    guard step.use_regex ?? true else {
      throw unsupported("pre_tokenizer ByteLevel with use_regex false is not supported")
    }
    return step.add_prefix_space ?? false
  }

  /// One line describing a decoding failure, with its JSON path.
  static func describe(_ error: DecodingError) -> String {
    func path(_ keys: [CodingKey]) -> String {
      var text = ""
      for key in keys {
        if let index = key.intValue {
          text += "[\(index)]"
        } else {
          text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
      }
      return text.isEmpty ? "top level" : text
    }
    switch error {
    case .typeMismatch(let type, let context):
      return "\(path(context.codingPath)): expected \(type == MergeEntry.self ? "\"a b\" or [\"a\", \"b\"]" : "\(type)")"
    case .valueNotFound(_, let context):
      return "\(path(context.codingPath)): value is null"
    case .keyNotFound(let key, let context):
      return "\(path(context.codingPath + [key])) is missing"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)): invalid value"
    @unknown default:
      return "not a valid tokenizer.json"
    }
  }
}
