import TransformerEngine

/// Where each target token ranks in a head's output rows read against the whole vocabulary,
/// without ever holding a vocabulary x vocabulary matrix (MAPS, Elhelo & Geva 2025, arXiv
/// 2412.11965: "t is in the top k of row s of M"). Row r is x_r = a_r · W_O^h (a_r the head-space
/// vector: E'[s]·W_V^h for the static map, the head's z for the dynamic score) and its logits are
/// x_r · W_Uᵀ (no bias, no final LayerNorm, as MAPS computes them).
///
/// The vocabulary is read in blocks of columns, the first `firstBlockColumns` wide and each next
/// one twice as wide up to `blockColumns`. A row stops being read once at least k tokens are
/// strictly above its target and at least k strictly below (it can then be in neither top k), so
/// memory is [R, blockColumns] floats whatever V is, and rows of a head that does not map sources
/// to targets drop out after the first blocks.
struct VocabularyRanks {
  /// Counts for one head, each capped at k: tokens other than the target with a strictly larger
  /// logit (`above`) and with a strictly smaller one (`below`).  [R] each
  struct Counts {
    var above: [Int]
    var below: [Int]
    /// The target is in the top k of its row (fewer than k tokens strictly above it).
    func hits(k: Int) -> Int { above.reduce(0) { $0 + ($1 < k ? 1 : 0) } }
    /// The target is in the top k of the negated row (the suppression variant).
    func suppressionHits(k: Int) -> Int { below.reduce(0) { $0 + ($1 < k ? 1 : 0) } }
  }

  static let defaultBlockColumns = 4096
  static let firstBlockColumns = 256

  let model: TransformerModel
  let k: Int
  let blockColumns: Int

  init(model: TransformerModel, k: Int, blockColumns: Int = VocabularyRanks.defaultBlockColumns) {
    self.model = model
    self.k = k
    self.blockColumns = blockColumns
  }

  /// Counts for several heads of `layer` at once, each with its own `vectors` [R_h, HS] and
  /// `targets` [R_h]. While a head has more rows left than d_head they are read through the
  /// factored product a · (W_O^h W_U[block]ᵀ); the few rows left after that, from every head
  /// together, through x · W_U[block]ᵀ, so the unembedding is read once per block for the layer.
  func counts(layer: Int, heads: [(head: Int, vectors: [Float], targets: [Int])]) -> [Counts] {
    let C = model.config.modelDim, HS = model.config.headDim, V = model.config.vocabularySize
    let wu = model.parameters.pointer(model.unembeddingName)  // [V, C]
    let wo = heads.map { model.parameters.pointer(.block(layer, .attnOutWeight)) + $0.head * HS * C }  // [HS, C] each
    var x: [[Float]] = [], own: [[Float]] = []  // [H][R_h * C], [H][R_h]
    for (i, entry) in heads.enumerated() {
      let R = entry.targets.count
      var rows = [Float](repeating: 0, count: R * C)  // [R, C]
      BLAS.matmul(entry.vectors, wo[i], into: &rows, m: R, n: C, k: HS)
      own.append((0..<R).map { r in
        var s: Float = 0
        for c in 0..<C { s += rows[r * C + c] * wu[entry.targets[r] * C + c] }
        return s
      })
      x.append(rows)
    }
    var above = heads.map { [Int](repeating: 0, count: $0.targets.count) }, below = above
    var active = heads.map { Array(0..<$0.targets.count) }
    let maxRows = max(heads.map(\.targets.count).max() ?? 0, heads.count * HS)
    var block = [Float](repeating: 0, count: HS * blockColumns)  // [HS, Vb]: W_O^h · W_U[block]ᵀ
    var logits = [Float](repeating: 0, count: maxRows * blockColumns)  // [rows, Vb]
    var gathered = [Float](repeating: 0, count: maxRows * max(HS, C))  // [rows, HS] or [rows, C]

    /// Counts row r of head i against one block's logits row; keeps it active if it can still hit.
    func count(_ i: Int, _ r: Int, _ row: UnsafePointer<Float>, width: Int, start: Int, into still: inout [Int]) {
      let threshold = own[i][r], target = heads[i].targets[r] - start
      var up = above[i][r], down = below[i][r]
      for j in 0..<width where j != target {
        if row[j] > threshold { up += 1 } else if row[j] < threshold { down += 1 }
      }
      above[i][r] = min(up, k)
      below[i][r] = min(down, k)
      if above[i][r] < k || below[i][r] < k { still.append(r) }
    }

    var start = 0, nextWidth = min(Self.firstBlockColumns, blockColumns)
    while start < V, active.contains(where: { !$0.isEmpty }) {
      let width = min(nextWidth, V - start)
      nextWidth = min(2 * nextWidth, blockColumns)
      let unembedding = wu + start * C  // [width, C]
      var still = heads.map { _ in [Int]() }
      var stacked: [(head: Int, row: Int)] = []
      for i in heads.indices where !active[i].isEmpty {
        let Ra = active[i].count
        guard Ra > HS else {
          stacked += active[i].map { (i, $0) }
          continue
        }
        // Factored: a[active] · (W_O^h W_U[block]ᵀ) costs (HS·C + Ra·HS) per column.
        BLAS.matmul(wo[i], unembedding, transposeB: true, into: &block, m: HS, n: width, k: C)
        for (n, r) in active[i].enumerated() { for d in 0..<HS { gathered[n * HS + d] = heads[i].vectors[r * HS + d] } }
        BLAS.matmul(gathered, block, into: &logits, m: Ra, n: width, k: HS)
        logits.withUnsafeBufferPointer { buffer in
          for (n, r) in active[i].enumerated() { count(i, r, buffer.baseAddress! + n * width, width: width, start: start, into: &still[i]) }
        }
      }
      if !stacked.isEmpty {
        // The few rows left, from every head: x · W_U[block]ᵀ, one read of the block.
        for (n, (i, r)) in stacked.enumerated() { for c in 0..<C { gathered[n * C + c] = x[i][r * C + c] } }
        BLAS.matmul(gathered, unembedding, transposeB: true, into: &logits, m: stacked.count, n: width, k: C)
        logits.withUnsafeBufferPointer { buffer in
          for (n, (i, r)) in stacked.enumerated() { count(i, r, buffer.baseAddress! + n * width, width: width, start: start, into: &still[i]) }
        }
      }
      active = still
      start += width
    }
    return heads.indices.map { Counts(above: above[$0], below: below[$0]) }
  }
}
