/// One merge applied while encoding a piece: `left` + `right` → `result`.
public struct AppliedMerge: Sendable, Equatable {
  /// Vocabulary strings (byte-level form, e.g. `"Ġ"`, `"w"`).
  public let left: String
  public let right: String
  public let result: String
  /// Id of the merged token.
  public let resultID: Int
  /// Priority of the merge: its position in the merge list (0 = first).
  public let rank: Int
}

/// How one pre-token piece (or one added token) of the input was encoded:
/// what `BPETokenizer.explain(_:)` returns, for showing one's work.
public struct TokenizationStep: Sendable, Equatable {
  /// The piece as text, e.g. `" Mary"` (an added token's matched text,
  /// including any whitespace it strips).
  public let piece: String
  /// The piece's UTF-8 bytes.
  public let bytes: [UInt8]
  /// The byte-level form that BPE sees, e.g. `"ĠMary"`; for an added token,
  /// its content.
  public let mapped: String
  /// Whether the piece was matched as an added (e.g. special) token rather
  /// than run through BPE.
  public let isAddedToken: Bool
  /// The merges applied, in order (empty for added tokens).
  public let merges: [AppliedMerge]
  /// The final symbols, as vocabulary strings (byte-level form).
  public let symbols: [String]
  /// Their token ids.
  public let ids: [Int]
}
