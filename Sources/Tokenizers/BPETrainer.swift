import Foundation

/// Learns a GPT-2-style byte-level BPE tokenizer from text (Sennrich et al.
/// 2016, as used by GPT-2).
///
/// Training, in order:
/// 1. Texts are cut at special tokens and split into pieces by
///    `GPT2PreTokenizer`; each distinct piece ("word") is counted once.
///    Merges never cross piece boundaries.
/// 2. Required tokens are made single tokens first: BPE is run on the
///    required tokens alone (each counted once) until every one of them is
///    one symbol. These merges get the lowest ranks, so encoding a required
///    token replays them and ends with one token. Their number is fixed by
///    the required tokens, independent of the corpus.
/// 3. Those merges are applied to the corpus words, and merging continues:
///    each step merges the most frequent adjacent pair (ties: the pair whose
///    left symbol's bytes, then right symbol's bytes, sort first), until the
///    vocabulary has `vocabularySize` entries.
///
/// A merge is only made if it creates a new byte string, so every merge adds
/// exactly one vocabulary entry: ids 0…255 are the bytes in GPT-2's
/// byte-to-unicode order, 256 + k is the k-th merge's result, and the
/// special tokens follow (as in GPT-2, where `<|endoftext|>` is 50256).
/// With the merges' ranks equal to their training order, encoding a corpus
/// word reproduces its segmentation at the end of training.
///
/// If the corpus runs out of pairs first (every word already one token), the
/// vocabulary is smaller than asked, as with Hugging Face's trainer.
public enum BPETrainer {
  /// `byteOrder[id]` is the byte of byte-symbol `id` (0…255): first the 188
  /// bytes that stand for themselves in `ByteLevel`, then the others, each
  /// group in increasing order. This is GPT-2's `bytes_to_unicode` order and
  /// the first 256 ids of its vocab.json (`!` = 0, `Ġ` = 220).
  public static let byteOrder: [UInt8] = {
    let all = (0...255).map(UInt8.init)
    return all.filter(ByteLevel.standsForItself) + all.filter { !ByteLevel.standsForItself($0) }
  }()

  /// Inverse of `byteOrder`: the symbol id of each byte.
  static let idOfByte: [Int32] = {
    var table = [Int32](repeating: -1, count: 256)
    for (id, byte) in byteOrder.enumerated() { table[Int(byte)] = Int32(id) }
    return table
  }()

  /// Learns merges from `texts` with GPT-2 pre-tokenisation (merges never
  /// cross pre-token boundaries), starting from the 256 byte symbols, until
  /// the vocabulary (256 bytes + merges + special tokens) has
  /// `vocabularySize` entries (fewer if the corpus runs out of pairs).
  ///
  /// Every string in `requiredTokens` (e.g. `" Monday"`) comes out as
  /// exactly one token: its merges are learned first, and the finished
  /// tokenizer is checked; a required token that cannot be one token (split
  /// by the pre-tokenizer, or not fitting in `vocabularySize`) is an error
  /// naming it. Special tokens are matched whole in text (and never learned
  /// from); in the two-file format only `<|endoftext|>` stays special on
  /// reload, as in GPT-2.
  ///
  /// Deterministic: the same arguments always give the same merges.
  /// `progress` is called after each merge with (merges made, merges to
  /// make).
  public static func train(
    texts: [String], vocabularySize: Int, requiredTokens: [String] = [],
    specialTokens: [String] = ["<|endoftext|>"], progress: ((Int, Int) -> Void)? = nil
  ) throws -> BPETokenizer {
    let specials = try checkedSpecialTokens(specialTokens)
    let splitter = AddedTokenSplitter(specials.enumerated().map { AddedToken(id: $0.offset, content: $0.element) })
    let forbidden = specials.compactMap(ByteLevel.decode)

    // Required tokens first: their merges, independent of the corpus.
    let required = try requiredPieces(requiredTokens, specials: specials, splitter: splitter)
    var requiredLearner = BPEMergeLearner(
      words: required, weights: [Int](repeating: 1, count: required.count), forbidden: forbidden)
    while let pair = requiredLearner.bestPair() { requiredLearner.merge(pair.left, pair.right) }
    if requiredLearner.hasUnmergedWord {
      let stuck = required.indices.filter { requiredLearner.words[$0].count > 1 }.map { index in
        (token: String(decoding: required[index], as: UTF8.self),
         tokens: requiredLearner.pieces(ofWord: index).map { String(decoding: $0, as: UTF8.self) })
      }
      throw BPETrainingError.requiredTokensNotSingle(stuck)
    }
    let requiredMerges = requiredLearner.merges
    let minimum = 256 + specials.count + requiredMerges.count
    guard vocabularySize >= minimum else {
      throw BPETrainingError.vocabularyTooSmall(
        vocabularySize: vocabularySize, minimum: minimum, specialTokens: specials.count,
        requiredMerges: requiredMerges.count)
    }

    let (words, counts) = countWords(texts, splitter: splitter)
    guard !words.isEmpty else { throw BPETrainingError.emptyCorpus }

    let mergeCount = vocabularySize - 256 - specials.count
    var learner = BPEMergeLearner(words: words, weights: counts, forbidden: forbidden)
    for pair in requiredMerges {
      learner.merge(pair.left, pair.right)
      progress?(learner.merges.count, mergeCount)
    }
    while learner.merges.count < mergeCount, let pair = learner.bestPair() {
      learner.merge(pair.left, pair.right)
      progress?(learner.merges.count, mergeCount)
    }

    let tokenizer = makeTokenizer(symbolBytes: learner.symbolBytes, merges: learner.merges, specials: specials)
    let failures = Array(Set(requiredTokens)).sorted().compactMap { token -> (token: String, tokens: [String])? in
      let ids = tokenizer.encode(token)
      return ids.count == 1 ? nil : (token, ids.map(tokenizer.tokenText))
    }
    if !failures.isEmpty { throw BPETrainingError.requiredTokensNotSingle(failures) }
    return tokenizer
  }

  /// Special tokens without repeats, checked.
  private static func checkedSpecialTokens(_ tokens: [String]) throws -> [String] {
    var result: [String] = []
    for token in tokens where !result.contains(token) {
      if token.isEmpty { throw BPETrainingError.invalidSpecialToken(token, reason: "it is empty") }
      if let bytes = ByteLevel.decode(token), bytes.count == 1 {
        throw BPETrainingError.invalidSpecialToken(
          token, reason: "it is the vocabulary string of byte 0x\(String(bytes[0], radix: 16, uppercase: true))")
      }
      result.append(token)
    }
    return result
  }

  /// The distinct required tokens that need merges, as bytes, sorted.
  /// Special tokens are already single tokens; a token the pre-tokenizer
  /// (or a special token inside it) would split is an error.
  private static func requiredPieces(
    _ tokens: [String], specials: [String], splitter: AddedTokenSplitter
  ) throws -> [[UInt8]] {
    var pieces = Set<[UInt8]>()
    for token in tokens where !specials.contains(token) {
      var text = token
      let parts: [Range<Int>] = text.withUTF8 { bytes in
        var parts: [Range<Int>] = []
        for segment in splitter.split(bytes, range: 0..<bytes.count) {
          switch segment {
          case .token(_, let range): parts.append(range)
          case .text(let range): GPT2PreTokenizer.forEachPiece(in: bytes, range: range) { parts.append($0) }
          }
        }
        return parts
      }
      let bytes = Array(token.utf8)
      guard parts.count == 1 else {
        throw BPETrainingError.requiredTokenSplitByPreTokenizer(
          token, pieces: parts.map { String(decoding: bytes[$0], as: UTF8.self) })
      }
      if bytes.count > 1 { pieces.insert(bytes) }
    }
    return pieces.sorted { $0.lexicographicallyPrecedes($1) }
  }

  /// The distinct pre-token pieces of `texts` (outside special tokens),
  /// sorted by bytes, with how often each occurs.
  static func countWords(_ texts: [String], splitter: AddedTokenSplitter) -> (words: [[UInt8]], counts: [Int]) {
    let chunkCount = texts.count < 2_000 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
    let tables = UnsafeMutableBufferPointer<[[UInt8]: Int]>.allocate(capacity: chunkCount)
    tables.initialize(repeating: [:])
    defer {
      tables.deinitialize()
      tables.deallocate()
    }
    let chunkSize = (texts.count + chunkCount - 1) / chunkCount
    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
      var table: [[UInt8]: Int] = [:]
      for index in (chunk * chunkSize)..<min(texts.count, (chunk + 1) * chunkSize) {
        countPieces(of: texts[index], splitter: splitter, into: &table)
      }
      tables[chunk] = table
    }
    var total = tables[0]
    for chunk in 1..<chunkCount {
      total.merge(tables[chunk], uniquingKeysWith: +)
    }
    let words = total.keys.sorted { $0.lexicographicallyPrecedes($1) }
    return (words, words.map { total[$0]! })
  }

  private static func countPieces(of text: String, splitter: AddedTokenSplitter, into table: inout [[UInt8]: Int]) {
    var text = text
    text.withUTF8 { bytes in
      for segment in splitter.split(bytes, range: 0..<bytes.count) {
        guard case .text(let range) = segment else { continue }
        GPT2PreTokenizer.forEachPiece(in: bytes, range: range) { piece in
          table[Array(bytes[piece]), default: 0] += 1
        }
      }
    }
  }

  /// The tokenizer for the learned symbols: bytes, then merge results, then
  /// special tokens.
  private static func makeTokenizer(
    symbolBytes: [[UInt8]], merges: [(left: Int32, right: Int32)], specials: [String]
  ) -> BPETokenizer {
    var vocabulary: [String: Int32] = [:]
    vocabulary.reserveCapacity(symbolBytes.count + specials.count)
    for (id, bytes) in symbolBytes.enumerated() { vocabulary[ByteLevel.encode(bytes)] = Int32(id) }
    var table: [UInt64: BPEModel.Merge] = [:]
    table.reserveCapacity(merges.count)
    for (rank, pair) in merges.enumerated() {
      table[BPEModel.pairKey(pair.left, pair.right)] = BPEModel.Merge(rank: Int32(rank), result: Int32(256 + rank))
    }
    var added: [AddedToken] = []
    for (offset, token) in specials.enumerated() {
      let id = symbolBytes.count + offset
      vocabulary[token] = Int32(id)
      added.append(AddedToken(id: id, content: token))
    }
    return BPETokenizer(
      model: BPEModel(vocabulary: vocabulary, merges: table), addedTokens: added, addsPrefixSpace: false)
  }
}
