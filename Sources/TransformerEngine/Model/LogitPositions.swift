// Which positions of each row the unembedding reads.
// Legend: B batch, T positions, P logit positions per row, V vocab.

/// Which positions' logits to compute. The unembedding is the largest matmul of a small model's
/// forward pass, and most metrics read one position, so the default is the last.
public enum LogitPositions: Sendable, Equatable {
  /// Each row's last token (in a padded batch: each row's last real token).
  case last
  /// Every position, padding included: logits [B, T, V].
  case all
  /// The same positions in every row: logits [B, P, V].
  case positions([Int])
  /// One position per row (`rows[b]` for row b), e.g. each prompt's answer position in a batch
  /// of prompts that differ in length: logits [B, 1, V].
  case perRow([Int])

  /// The positions selected in a prompt of T tokens (the same for every row); `.perRow` has no
  /// single answer, use `resolve(B:T:lengths:)`.
  public func resolve(T: Int) throws -> [Int] {
    switch self {
    case .last: return [T - 1]
    case .all: return Array(0..<T)
    case .positions(let list):
      for p in list where p < 0 || p >= T { throw EngineError.badLogitPosition(p, positions: T) }
      return list
    case .perRow:
      throw EngineError.invalidConfig("logit positions .perRow differ by row; resolve them with resolve(B:T:lengths:)")
    }
  }

  /// The positions read in each of B rows of T positions, [B][P]. `lengths` (a padded batch's
  /// real lengths) moves `.last` to each row's last real token and keeps `.perRow` off padding.
  public func resolve(B: Int, T: Int, lengths: [Int]? = nil) throws -> [[Int]] {
    switch self {
    case .last:
      return (0..<B).map { b in [(lengths?[b] ?? T) - 1] }
    case .all, .positions:
      return Array(repeating: try resolve(T: T), count: B)
    case .perRow(let list):
      guard list.count == B else {
        throw EngineError.invalidConfig("logit positions .perRow lists \(list.count) positions for \(B) rows")
      }
      for (b, p) in list.enumerated() {
        let rowLength = lengths?[b] ?? T
        if p < 0 || p >= rowLength { throw EngineError.badLogitPosition(p, positions: rowLength) }
      }
      return list.map { [$0] }
    }
  }
}

/// Resolved logit positions: `rows[b]` lists the positions read in row b (all rows list P).
struct RowPositions: Equatable {
  let rows: [[Int]]
  /// Whether every row reads every position in order (the unembedding then runs on the whole
  /// [B*T, C] buffer without gathering).
  let isEveryPosition: Bool
  var P: Int { rows.first?.count ?? 0 }

  init(_ rows: [[Int]], T: Int) {
    self.rows = rows
    let every = Array(0..<T)
    isEveryPosition = rows.allSatisfy { $0 == every }
  }
}
