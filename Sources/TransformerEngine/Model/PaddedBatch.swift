/// Prompts of different lengths as one batch: every row padded on the right to the longest,
/// with each row's real length kept so attention never reads a padded key.
///
/// Right padding, as TransformerLens pads by default: a row's tokens keep their own indices, so
/// the position ids are simply 0..<T (a row's first real token gets position 0) and causal
/// attention already keeps every real position from seeing the padding after it. A real position
/// therefore computes exactly what it computes in the row run alone (up to the float rounding of
/// a differently shaped matmul), and patching position p means the same token index in every
/// row. Left padding would line up the last positions instead; `.last` and `.perRow` logit
/// positions give that per row without moving the tokens.
///
/// Padded positions (t >= `lengths[b]`) hold well-defined but meaningless values: the embedding
/// of `padToken` at position t, attending to the row's real tokens only (padded keys are -inf in
/// `hook_attn_scores` and 0 in `hook_pattern`, as in TransformerLens and transformers with an
/// attention mask). Hook tensors keep their [B, T, ...] shapes with the padding included;
/// metrics must read only real positions.
public struct PaddedBatch: Sendable, Equatable {
  /// [B][T] token ids, each row padded with `padToken` to T = the longest row.
  public let tokens: [[Int]]
  /// Each row's real length (the first `lengths[b]` entries of `tokens[b]`).
  public let lengths: [Int]
  public let padToken: Int

  public init(_ rows: [[Int]], padToken: Int = 0) {
    let T = rows.map(\.count).max() ?? 0
    self.tokens = rows.map { $0 + Array(repeating: padToken, count: T - $0.count) }
    self.lengths = rows.map(\.count)
    self.padToken = padToken
  }

  /// The number of positions of the padded batch (the longest row).
  public var positions: Int { tokens.first?.count ?? 0 }
}
