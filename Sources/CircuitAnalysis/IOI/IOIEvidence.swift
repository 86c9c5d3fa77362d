import TransformerEngine

/// The per-head evidence of the IOI report (Wang et al. 2023, section 3; papers.md sections 3
/// and 9), one value per head and column, each [L*NH] (NaN where a column was not computed,
/// e.g. a path to receivers that do not exist or lie before the head).
struct IOIEvidence {
  enum Column: String, CaseIterable {
    /// Mean direct logit attribution at END (the paper's λ) over the mean clean LD.
    case dlaFraction = "dla_frac"
    /// The same over the ABBA prompts only and over the BABA prompts only (a head that writes
    /// the first or the second name rather than the indirect object has large terms of opposite
    /// sign here that cancel in `dla_frac`).
    case dlaFractionABBA = "dla_frac_abba"
    case dlaFractionBABA = "dla_frac_baba"
    /// Path patching head -> logits, relative change of LD.
    case pathLogits = "path_logits"
    case attentionEndIO = "attn_END_IO"
    case attentionEndS1 = "attn_END_S1"
    case attentionEndS2 = "attn_END_S2"
    /// OV copy score over the single-token names, top 5 (Wang et al.).
    case copy
    /// Negative (-OV) copy score (McDougall et al. 2023).
    case negativeCopy = "negative_copy"
    /// (DLA at END with the name movers mean-ablated - DLA at END) / LD: backup name movers.
    case dlaGainWithoutNameMovers = "dla_gain_without_nm"
    /// Path patching head -> the name movers' queries.
    case pathNameMoverQueries = "path_nm_q"
    case attentionS2S1Next = "attn_S2_S1+1"
    case attentionS2S1 = "attn_S2_S1"
    /// Path patching head -> the S-inhibition heads' values.
    case pathSInhibitionValues = "path_sinh_v"
    case attentionS1NextS1 = "attn_S1+1_S1"
    /// Path patching head -> the induction heads' keys.
    case pathInductionKeys = "path_ind_k"
    /// TransformerLens-style detectors on repeated random tokens (papers.md section 9).
    case detectInduction = "detect_induction"
    case detectDuplicateToken = "detect_duplicate_token"
    case detectPreviousToken = "detect_previous_token"
  }

  let heads: Int
  var columns: [Column: [Double]] = [:]

  init(heads: Int) { self.heads = heads }

  /// The evidence of one head, by column.
  func row(_ head: HeadIndex) -> [Column: Double] {
    columns.mapValues { $0[head.layer * heads + head.head] }
  }

  /// The result cells of one head, in `Column.allCases` order (null where not computed).
  func cells(_ head: HeadIndex) -> [ResultCell] {
    Column.allCases.map { column in
      guard let value = columns[column]?[head.layer * heads + head.head], value.isFinite else { return .missing }
      return .number(value)
    }
  }

  /// A path-patching result's [L, NH] cells as a column (null cells as NaN).
  static func column(_ result: AnalysisResult) -> [Double] {
    result.values.cells.map { $0.number ?? .nan }
  }
}

/// Mean attention between Wang et al.'s word positions over an IOI dataset: END -> IO, S1, S2;
/// S2 -> S1+1 and S1; S1+1 -> S1, each [L*NH].
enum IOIAttention {
  static let roles: [(IOIEvidence.Column, query: String, key: String)] = [
    (.attentionEndIO, "END", "IO"), (.attentionEndS1, "END", "S1"), (.attentionEndS2, "END", "S2"),
    (.attentionS2S1Next, "S2", "S1+1"), (.attentionS2S1, "S2", "S1"), (.attentionS1NextS1, "S1+1", "S1"),
  ]

  static func measure(_ subject: AnalysisSubject, dataset: PromptDataset) throws -> [IOIEvidence.Column: [Double]] {
    let L = subject.layers, NH = subject.heads
    var sums = Dictionary(uniqueKeysWithValues: roles.map { ($0.0, [Double](repeating: 0, count: L * NH)) })
    var counts = Dictionary(uniqueKeysWithValues: roles.map { ($0.0, 0) })
    let sites = Set((0..<L).map { HookSite.block($0, .pattern) })
    for start in stride(from: 0, to: dataset.count, by: PromptPairBatch.blockSize) {
      let pairs = Array(dataset.pairs[start..<min(dataset.count, start + PromptPairBatch.blockSize)])
      let batch = PaddedBatch(pairs.map(\.clean))
      let (_, cache) = try subject.model.runWithCache(batch, sites: sites)
      let T = batch.positions
      for (b, pair) in pairs.enumerated() {
        for (column, queryRole, keyRole) in roles {
          guard let q = pair.rolePositions[queryRole], let k = pair.rolePositions[keyRole] else { continue }
          counts[column]! += 1
          for l in 0..<L {
            let pattern = cache[HookSite.block(l, .pattern)]!  // [B,NH,T,T]
            for h in 0..<NH { sums[column]![l * NH + h] += Double(pattern.values[((b * NH + h) * T + q) * T + k]) }
          }
        }
      }
    }
    return Dictionary(uniqueKeysWithValues: sums.map { column, total in (column, total.map { $0 / Double(max(counts[column]!, 1)) }) })
  }
}
