import Tokenizers

/// The tokenizer as the datasets use it: prompts get BOS first (TransformerLens prepends
/// `<|endoftext|>`; papers.md section 3), and words that fill a slot must be one token with their
/// leading space (papers.md sections 2 and 3: "check that every name is a single token").
struct DatasetTokenizer {
  let tokenizer: BPETokenizer
  let bos: Int

  init(_ tokenizer: BPETokenizer) throws {
    guard let bos = tokenizer.endOfTextID else {
      throw AnalysisError.invalidArgument("the tokenizer has no <|endoftext|> token to prepend as BOS")
    }
    self.tokenizer = tokenizer
    self.bos = bos
  }

  /// The ids of `text` with BOS first.  [1 + tokens(text)]
  func prompt(_ text: String) -> [Int] { [bos] + tokenizer.encode(text) }

  func texts(_ ids: [Int]) -> [String] { ids.map(tokenizer.tokenText) }

  /// The one token `text` encodes to; `AnalysisError.notSingleToken` naming `role` otherwise.
  func singleToken(_ text: String, role: String) throws -> Int { try tokenizer.singleToken(text, role: role) }

  /// The words of `words` whose form `prefix + word` is one token, in order, with that token;
  /// every other word (and a word whose token an earlier word already has) is noted in `filtered`
  /// under `list`.
  func singleTokenWords(
    _ words: [String], list: String, prefix: String = " ", filtered: inout [FilteredItem]
  ) -> [TokenWord] {
    var kept: [TokenWord] = []
    var seen: [Int: String] = [:]
    for word in words {
      let text = prefix + word
      let ids = tokenizer.encode(text)
      if ids.count != 1 {
        filtered.append(FilteredItem(list: list, item: text, reason: "splits into \(ids.count) tokens \(texts(ids).map(\.debugDescription).joined(separator: " + "))"))
      } else if let earlier = seen[ids[0]] {
        filtered.append(FilteredItem(list: list, item: text, reason: "is the same token as \(earlier.debugDescription)"))
      } else {
        seen[ids[0]] = text
        kept.append(TokenWord(word: word, text: text, id: ids[0]))
      }
    }
    return kept
  }
}

/// A word of a dataset's list that is one token: the word ("Mary"), its text as it appears in a
/// prompt (" Mary") and that text's token id.
struct TokenWord: Equatable, Sendable {
  let word: String
  let text: String
  let id: Int
}
