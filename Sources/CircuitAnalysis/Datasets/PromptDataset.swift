/// A dataset of aligned prompt pairs for dataset-level analyses (a metric averaged over prompts,
/// ablation, patching), with what building it left out.
///
/// Built deterministically from a seed by `IOIDataset`, `SuccessorDataset` and
/// `InductionDataset`, or read from a user's JSONL file by `UserPairsFile`. Only this layer
/// knows text; analyses read the ids (`cleanIDs`, `corruptedIDs`, `answers`, `wrongs`,
/// `answerPositions`).
public struct PromptDataset: Equatable, Sendable {
  /// "ioi", "successor", "induction" or "file".
  public let name: String
  /// The pairs, in generation (or file) order.
  public let pairs: [PromptPair]
  /// Words and tasks left out because the tokenizer splits them, in list order.
  public let filtered: [FilteredItem]
  /// What rebuilds the dataset (name, seed, count, options), for a result's `params`.
  public let params: [String: JSONValue]

  /// Throws `AnalysisError.emptyDataset` when there are no pairs (everything filtered), naming
  /// what was filtered.
  public init(name: String, pairs: [PromptPair], filtered: [FilteredItem], params: [String: JSONValue]) throws {
    guard !pairs.isEmpty else {
      let why = filtered.isEmpty ? "no prompt pairs" : "no prompt pairs after filtering: " + filtered.map(\.description).joined(separator: "; ")
      throw AnalysisError.emptyDataset("\(name) dataset has \(why)")
    }
    self.name = name
    self.pairs = pairs
    self.filtered = filtered
    self.params = params
  }

  public var count: Int { pairs.count }
  /// The clean prompts.  [N][T_n]
  public var cleanIDs: [[Int]] { pairs.map(\.clean) }
  /// The corrupted (reference) prompts.  [N][T_n]
  public var corruptedIDs: [[Int]] { pairs.map(\.corrupted) }
  /// [N]
  public var answers: [Int] { pairs.map(\.answer) }
  /// [N]
  public var wrongs: [Int] { pairs.map(\.wrong) }
  /// [N], each `T_n - 1`
  public var answerPositions: [Int] { pairs.map(\.answerPosition) }
  /// Whether every prompt has the same length (no padding needed).
  public var hasUniformLength: Bool { Set(pairs.map(\.clean.count)).count == 1 }

  /// `params` plus the count of filtered items, as a result records the dataset.
  public var resultParams: JSONValue {
    var out = params
    out["dataset"] = .string(name)
    out["count"] = .integer(count)
    out["filtered"] = .integer(filtered.count)
    return .object(out)
  }
}
