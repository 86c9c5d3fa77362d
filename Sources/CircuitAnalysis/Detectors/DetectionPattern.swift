/// The attention pattern a head of a given role would show on a sequence, [T, T] row-major
/// (query row, key column), 0/1 and lower triangular: TransformerLens `head_detector.py`'s
/// `get_*_detection_pattern` (Nanda's head-detector, used on [BOS] + r + r in ARENA).
public enum DetectionPattern: String, CaseIterable, Sendable {
  /// The sub-diagonal: each position attends to the one before it.
  case previousToken = "previous_token"
  /// 1[tok_i == tok_j, j < i]: every earlier occurrence of the same token.
  case duplicateToken = "duplicate_token"
  /// The duplicate pattern shifted one column right (the token after each earlier occurrence),
  /// column 0 cleared, kept lower triangular.
  case induction

  /// The pattern for `tokens` [T], row-major [T, T].
  public func pattern(for tokens: [Int]) -> [Float] {
    let T = tokens.count
    var d = [Float](repeating: 0, count: T * T)
    switch self {
    case .previousToken:
      for i in 1..<max(T, 1) { d[i * T + i - 1] = 1 }
    case .duplicateToken:
      for i in 0..<T { for j in 0..<i where tokens[i] == tokens[j] { d[i * T + j] = 1 } }
    case .induction:
      // shifted[i][j] = duplicate[i][j-1] for j >= 1, then tril (j <= i).
      for i in 0..<T { for j in stride(from: 1, through: i, by: 1) where tokens[i] == tokens[j - 1] { d[i * T + j] = 1 } }
    }
    return d
  }
}

/// How a head's attention pattern is compared with a detection pattern: TransformerLens
/// `compute_head_attention_similarity_score`.
public struct PatternScoring: Sendable, Equatable {
  public enum ErrorMeasure: String, CaseIterable, Sendable {
    /// Σ(A ⊙ D) / ΣA: the fraction of the attention on the pattern (rows with no match still
    /// count in the denominator).
    case mul
    /// 1 - round(mean|A - D| · T, 3): 1 is a perfect match, -1 a perfect mismatch.
    case abs
  }

  public var errorMeasure: ErrorMeasure
  /// Zero the attention to position 0 (mul) or its differences (abs) before scoring.
  public var excludeBOS: Bool
  /// Zero the diagonal (each position's attention to itself) before scoring.
  public var excludeCurrentToken: Bool

  public init(errorMeasure: ErrorMeasure = .mul, excludeBOS: Bool = false, excludeCurrentToken: Bool = false) {
    self.errorMeasure = errorMeasure
    self.excludeBOS = excludeBOS
    self.excludeCurrentToken = excludeCurrentToken
  }

  var params: [String: JSONValue] {
    ["error_measure": .string(errorMeasure.rawValue), "exclude_bos": .bool(excludeBOS), "exclude_current_token": .bool(excludeCurrentToken)]
  }

  /// The score of one head's pattern `attention` [T, T] against `detection` [T, T].
  public func score(attention: UnsafeBufferPointer<Float>, detection: [Float], T: Int) -> Double {
    func excluded(_ i: Int, _ j: Int) -> Bool { (excludeBOS && j == 0) || (excludeCurrentToken && i == j) }
    switch errorMeasure {
    case .mul:
      var matched = 0.0, total = 0.0
      for i in 0..<T {
        for j in 0..<T where !excluded(i, j) {
          let a = Double(attention[i * T + j])
          matched += a * Double(detection[i * T + j])
          total += a
        }
      }
      return matched / total
    case .abs:
      var sum = 0.0
      for i in 0..<T { for j in 0..<T where !excluded(i, j) { sum += Swift.abs(Double(attention[i * T + j] - detection[i * T + j])) } }
      // mean over T·T cells times T, rounded to 3 decimals (half to even, like Python's round).
      return 1 - (sum / Double(T) * 1000).rounded(.toNearestOrEven) / 1000
    }
  }
}
