/// Turns a ranked list of symbol pairs into the id-level merge table,
/// checking that both symbols and their concatenation are in the vocabulary.
enum MergeTable {
  /// Where a merge came from, for error messages.
  enum Origin {
    /// `merges.txt`, with a 1-based line number.
    case line(Int)
    /// `tokenizer.json`'s `model.merges`, with a 0-based index.
    case index(Int)
  }

  /// Rank = position in `pairs`. A pair listed twice keeps its later rank,
  /// as in Hugging Face `tokenizers`.
  static func build(
    _ pairs: [(origin: Origin, left: String, right: String)],
    vocabulary: [String: Int32], file: String
  ) throws -> [UInt64: BPEModel.Merge] {
    var table: [UInt64: BPEModel.Merge] = [:]
    table.reserveCapacity(pairs.count)
    for (rank, pair) in pairs.enumerated() {
      func failure(_ message: String) -> TokenizerError {
        switch pair.origin {
        case .line(let line):
          return TokenizerError(.malformedFile, file: file, line: line, message)
        case .index(let index):
          return TokenizerError(.malformedFile, file: file, "model.merges[\(index)]: \(message)")
        }
      }
      guard let left = vocabulary[pair.left] else {
        throw failure("symbol \(VocabularyFiles.quoted(pair.left)) is not in the vocabulary")
      }
      guard let right = vocabulary[pair.right] else {
        throw failure("symbol \(VocabularyFiles.quoted(pair.right)) is not in the vocabulary")
      }
      let merged = pair.left + pair.right
      guard let result = vocabulary[merged] else {
        throw failure("merge result \(VocabularyFiles.quoted(merged)) is not in the vocabulary")
      }
      table[BPEModel.pairKey(left, right)] = BPEModel.Merge(rank: Int32(rank), result: result)
    }
    return table
  }
}
