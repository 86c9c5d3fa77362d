/// Splits patched variants into stacked passes. Variants that start at different blocks cannot
/// share a pass. Within one start block, a pass over variants whose first patched positions are
/// p₁ ≤ … ≤ pₙ runs positions p₁… for all of them, so it wastes the positions the later ones did
/// not need; separate passes waste the cost of reading every weight again, which a pass over a
/// few rows is dominated by. The split minimising rows + a fixed cost per pass is found by dynamic
/// programming over the variants sorted by position.
enum PassChunks {
  /// The fixed cost of one pass, in token rows: streaming a block's weights once costs about as
  /// much as computing this many rows (measured on GPT-2 small: ~7 ms per block per pass, ~45
  /// rows' worth of matrix products).
  static let rowsPerPass = 48

  /// Passes as (plan, variant indices). `rowsPerVariant(offset)` is one variant's token rows in a
  /// pass starting at `offset`; no pass exceeds `maximumRows` unless a single variant does.
  static func plan(
    _ plans: [VariantRunner.PassPlan], rowsPerVariant: (Int) -> Int, maximumRows: Int
  ) -> [(plan: VariantRunner.PassPlan, variants: [Int])] {
    let groups = Dictionary(grouping: plans.indices) { plans[$0].layer ?? -1 }
    var out: [(VariantRunner.PassPlan, [Int])] = []
    for layer in groups.keys.sorted() {
      let members = groups[layer]!.sorted { (plans[$0].offset, $0) < (plans[$1].offset, $1) }
      let n = members.count
      // best[i]: the cheapest split of members[i...]; next[i]: where its first pass ends.
      var best = [Int](repeating: .max, count: n + 1), next = [Int](repeating: n, count: n + 1)
      best[n] = 0
      for i in stride(from: n - 1, through: 0, by: -1) {
        let rows = rowsPerVariant(plans[members[i]].offset)
        for j in (i + 1)...n {
          let total = rows * (j - i)
          if total > maximumRows && j > i + 1 { break }
          let cost = rowsPerPass + total + best[j]
          if cost < best[i] { best[i] = cost; next[i] = j }
        }
      }
      var i = 0
      while i < n {
        let chunk = Array(members[i..<next[i]])
        out.append((plans[chunk[0]], chunk))
        i = next[i]
      }
    }
    return out
  }
}
