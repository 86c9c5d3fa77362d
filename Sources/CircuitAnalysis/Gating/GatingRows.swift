import TransformerEngine

/// The prompts causal head gating fits on: each row's tokens and answer (the target token after
/// the last position), with the wrong token kept for validation by logit difference.
struct GatingRows {
  var tokens: [[Int]]
  var answers: [Int]
  var wrongs: [Int]

  init(_ groups: [PromptPairBatch]) throws {
    tokens = groups.flatMap(\.clean)
    answers = groups.flatMap(\.answers)
    wrongs = groups.flatMap(\.wrongs)
    guard !tokens.isEmpty else { throw AnalysisError.emptyDataset("causal head gating needs at least one prompt") }
  }

  var count: Int { tokens.count }

  /// Whether validation can use the logit difference (every row has a wrong token other than its
  /// answer); otherwise it uses the answer's log-probability.
  var hasWrongTokens: Bool { zip(answers, wrongs).allSatisfy { $0.1 >= 0 && $0.1 != $0.0 } }

  /// The validation metric: the logit difference when every row has a wrong token, else the
  /// answer's log-probability.
  var validationMetric: Metric.Kind { hasWrongTokens ? .logitDifference : .logProbability }

  /// The first `n` rows.
  func prefix(_ n: Int) -> GatingRows {
    var out = self
    out.tokens = Array(tokens.prefix(n))
    out.answers = Array(answers.prefix(n))
    out.wrongs = Array(wrongs.prefix(n))
    return out
  }

  /// The minibatch rows of each step: the whole set when it fits in `batchSize`, else consecutive
  /// slices of one seeded permutation, wrapping around. The permutation is Fisher–Yates with
  /// j = next() mod (i + 1) for i = n−1 … 1 on SplitMix64(seed ^ "chgbatch"), spelled out so that
  /// scripts/make_chg_fixtures.py draws the same order.
  func minibatches(steps: Int, batchSize: Int, seed: UInt64) -> [[Int]] {
    let n = count
    guard batchSize < n else { return Array(repeating: Array(0..<n), count: steps) }
    var generator = SplitMix64(seed: seed ^ 0x6368_6762_6174_6368)  // "chgbatch"
    var order = Array(0..<n)
    for i in stride(from: n - 1, through: 1, by: -1) { order.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
    return (0..<steps).map { s in (0..<batchSize).map { order[(s * batchSize + $0) % n] } }
  }
}
