import Foundation

/// GPT-2's byte-level BPE tokenizer, giving the same ids as Hugging Face
/// `transformers` (`GPT2TokenizerFast`, i.e. the `tokenizers` library).
///
/// Encoding: the text is first cut at added tokens (`<|endoftext|>` and,
/// from a `tokenizer.json`, any other added tokens), which become their ids
/// directly. Each remaining run is split by `GPT2PreTokenizer`, each piece's
/// UTF-8 bytes are mapped to characters by `ByteLevel`, and ranked merges
/// (`BPEModel`) turn them into tokens. Results per piece are cached.
///
/// Immutable after loading except for the internal cache, which is locked:
/// one instance may be used from many threads at once.
public final class BPETokenizer: Sendable {
  let model: BPEModel
  let splitter: AddedTokenSplitter
  let addsPrefixSpace: Bool
  /// All added tokens, in file order.
  public let addedTokens: [AddedToken]
  /// Vocabulary string (byte-level form) or added-token content, by id.
  let stringsByID: [String?]
  /// Decoded bytes of each id's string (see `decodeBytes`).
  let bytesByID: [[UInt8]?]
  let addedByContent: [String: Int]
  let cache = BPECache(capacity: 200_000)

  /// Number of distinct ids: vocabulary entries plus added tokens not
  /// already in the vocabulary (50,257 for GPT-2).
  public let vocabularySize: Int
  /// Id of `<|endoftext|>` if the tokenizer has it (GPT-2: 50256). It is
  /// GPT-2's only special token, used as BOS as TransformerLens does.
  public let endOfTextID: Int?

  init(model: BPEModel, addedTokens: [AddedToken], addsPrefixSpace: Bool) {
    self.model = model
    self.addedTokens = addedTokens
    self.addsPrefixSpace = addsPrefixSpace
    splitter = AddedTokenSplitter(addedTokens)
    var contents: [String: Int] = [:]
    for token in addedTokens where contents[token.content] == nil { contents[token.content] = token.id }
    addedByContent = contents

    let largest = max(
      model.vocabulary.values.max().map(Int.init) ?? -1, addedTokens.map(\.id).max() ?? -1)
    var strings = [String?](repeating: nil, count: largest + 1)
    for (token, id) in model.vocabulary { strings[Int(id)] = token }
    for token in addedTokens { strings[token.id] = token.content }
    stringsByID = strings
    bytesByID = strings.map { $0.map(BPETokenizer.decodedBytes(ofToken:)) }
    vocabularySize = strings.reduce(0) { $1 == nil ? $0 : $0 + 1 }
    endOfTextID = contents["<|endoftext|>"] ?? model.vocabulary["<|endoftext|>"].map(Int.init)
  }

  /// Loads GPT-2's two-file format. `<|endoftext|>`, if in the vocabulary,
  /// is treated as a special token, as `transformers` does.
  public convenience init(vocabularyFile: URL, mergesFile: URL) throws {
    let vocabulary = try VocabularyFiles.vocabulary(vocabularyFile)
    let pairs = try VocabularyFiles.merges(mergesFile).map {
      (origin: MergeTable.Origin.line($0.line), left: $0.left, right: $0.right)
    }
    let merges = try MergeTable.build(pairs, vocabulary: vocabulary, file: mergesFile.lastPathComponent)
    var added: [AddedToken] = []
    if let id = vocabulary["<|endoftext|>"] {
      added.append(AddedToken(id: Int(id), content: "<|endoftext|>"))
    }
    self.init(model: BPEModel(vocabulary: vocabulary, merges: merges), addedTokens: added, addsPrefixSpace: false)
  }

  /// Loads a Hugging Face `tokenizer.json` whose model is a byte-level BPE.
  public convenience init(tokenizerJSONFile: URL) throws {
    let contents = try TokenizerJSON.load(tokenizerJSONFile)
    self.init(model: contents.model, addedTokens: contents.addedTokens, addsPrefixSpace: contents.addsPrefixSpace)
  }

  /// Loads from a model directory: `tokenizer.json` if present, else
  /// `vocab.json` + `merges.txt`. The files may be symbolic links (a Hugging
  /// Face cache snapshot); one whose target is missing is an error naming both.
  public static func load(directory: URL) throws -> BPETokenizer {
    let manager = FileManager.default
    let json = directory.appendingPathComponent("tokenizer.json")
    if try FileReading.exists(json) { return try BPETokenizer(tokenizerJSONFile: json) }
    let vocabulary = directory.appendingPathComponent("vocab.json")
    let merges = directory.appendingPathComponent("merges.txt")
    let hasVocabulary = try FileReading.exists(vocabulary)
    let hasMerges = try FileReading.exists(merges)
    if hasVocabulary && hasMerges { return try BPETokenizer(vocabularyFile: vocabulary, mergesFile: merges) }
    var isDirectory: ObjCBool = false
    let message: String
    if !manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
      message = "directory not found"
    } else if !isDirectory.boolValue {
      message = "not a directory"
    } else if hasVocabulary {
      message = "has vocab.json but no merges.txt (and no tokenizer.json)"
    } else if hasMerges {
      message = "has merges.txt but no vocab.json (and no tokenizer.json)"
    } else {
      message = "no tokenizer.json, and no vocab.json + merges.txt"
    }
    throw TokenizerError(.noTokenizerFiles, file: directory.path, message)
  }

  /// The string of `id` (vocabulary entry or added-token content), if any.
  func string(for id: Int) -> String? {
    id >= 0 && id < stringsByID.count ? stringsByID[id] : nil
  }
}
