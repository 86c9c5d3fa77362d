/// The settings of the sparse attention decomposition (`SparseAttentionDecomposition`); the
/// defaults are Franco & Crovella 2024's.
public struct AttentionDecompositionSettings: Sendable, Equatable {
  /// A (destination, source) pair fires when the head's pattern there is at least this.
  public var firingThreshold = 0.5
  /// The selected directions are the fewest whose terms (largest first) reach this fraction of
  /// the score (the reference code's `perc_contrib_thresh`).
  public var scoreFraction = 0.7
  /// Leave out firings onto position 0 (the paper's "source not 0": BOS, the attention sink).
  public var excludingSourceZero = true

  public init() {}

  func validate() throws {
    guard firingThreshold > 0, firingThreshold <= 1 else { throw AnalysisError.invalidArgument("the firing threshold must be in (0, 1], got \(firingThreshold)") }
    guard scoreFraction > 0, scoreFraction <= 1 else { throw AnalysisError.invalidArgument("the score fraction must be in (0, 1], got \(scoreFraction)") }
  }

  var params: [String: JSONValue] {
    ["firing_threshold": .number(firingThreshold), "score_fraction": .number(scoreFraction), "excluding_source_zero": .bool(excludingSourceZero)]
  }
}
