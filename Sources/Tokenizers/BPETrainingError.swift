import Foundation

/// Why `BPETrainer.train` could not produce a tokenizer. Each message is
/// one line and names the offending tokens.
public enum BPETrainingError: Error, LocalizedError, CustomStringConvertible, Equatable, Sendable {
  /// `vocabularySize` cannot hold the 256 byte symbols, the special tokens
  /// and the merges the required tokens need; `minimum` is the least size
  /// that can.
  case vocabularyTooSmall(vocabularySize: Int, minimum: Int, specialTokens: Int, requiredMerges: Int)
  /// The texts hold no pre-token at all (no text, or only special tokens).
  case emptyCorpus
  /// A special token that cannot be used: empty, or the same string as a
  /// byte symbol.
  case invalidSpecialToken(String, reason: String)
  /// A required token that GPT-2's pre-tokenizer (or a special token inside
  /// it) does not keep in one piece: merges never cross pieces, so it can
  /// never be one token. No pieces: the token is empty.
  case requiredTokenSplitByPreTokenizer(String, pieces: [String])
  /// Required tokens that the finished tokenizer does not encode as one
  /// token each, with what they encode to.
  case requiredTokensNotSingle([(token: String, tokens: [String])])

  public var description: String {
    switch self {
    case let .vocabularyTooSmall(size, minimum, specials, merges):
      return "vocabulary size \(size) is too small: it needs at least \(minimum)"
        + " (256 bytes + \(specials) special token\(specials == 1 ? "" : "s")"
        + " + \(merges) merge\(merges == 1 ? "" : "s") for the required tokens)"
    case .emptyCorpus:
      return "cannot train a tokenizer on an empty corpus (no text outside special tokens)"
    case let .invalidSpecialToken(token, reason):
      return "special token \(VocabularyFiles.quoted(token)) cannot be used: \(reason)"
    case let .requiredTokenSplitByPreTokenizer(token, pieces):
      if pieces.isEmpty { return "required token \(VocabularyFiles.quoted(token)) is empty" }
      return "required token \(VocabularyFiles.quoted(token)) can never be one token: GPT-2's pre-tokenizer"
        + " splits it into \(pieces.map(VocabularyFiles.quoted).joined(separator: ", "))"
    case let .requiredTokensNotSingle(failures):
      let shown = failures.prefix(5).map { failure in
        let pieces = failure.tokens.map(VocabularyFiles.quoted).joined(separator: ", ")
        return "\(VocabularyFiles.quoted(failure.token)) → [\(pieces)]"
      }
      let more = failures.count > 5 ? " and \(failures.count - 5) more" : ""
      return "required token\(failures.count == 1 ? " is" : "s are") not one token: "
        + shown.joined(separator: "; ") + more
    }
  }

  public var errorDescription: String? { description }

  public static func == (lhs: BPETrainingError, rhs: BPETrainingError) -> Bool {
    lhs.description == rhs.description
  }
}
