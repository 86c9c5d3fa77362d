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

  /// Counts for head `head` of `layer`: `vectors` [R, HS] (row r's a_r), `targets` [R].
  func counts(layer: Int, head: Int, vectors a: [Float], targets: [Int]) -> Counts {
    let C = model.config.modelDim, HS = model.config.headDim, V = model.config.vocabularySize
    let R = targets.count
    let wo = model.parameters.pointer(.block(layer, .attnOutWeight)) + head * HS * C  // [HS, C]
    let wu = model.parameters.pointer(model.unembeddingName)  // [V, C]
    var x = [Float](repeating: 0, count: R * C)  // [R, C]
    BLAS.matmul(a, wo, into: &x, m: R, n: C, k: HS)
    var own = [Float](repeating: 0, count: R)  // [R]
    for r in 0..<R {
      var s: Float = 0
      for c in 0..<C { s += x[r * C + c] * wu[targets[r] * C + c] }
      own[r] = s
    }
    var above = [Int](repeating: 0, count: R), below = above
    var active = Array(0..<R)
    var block = [Float](repeating: 0, count: HS * blockColumns)  // [HS, Vb]: W_O^h · W_U[block]ᵀ
    var logits = [Float](repeating: 0, count: R * blockColumns)  // [Ra, Vb]
    var gathered = [Float](repeating: 0, count: R * C)  // [Ra, HS] or [Ra, C]
    var start = 0, nextWidth = min(Self.firstBlockColumns, blockColumns)
    while start < V, !active.isEmpty {
      let width = min(nextWidth, V - start)
      nextWidth = min(2 * nextWidth, blockColumns)
      let Ra = active.count
      let unembedding = wu + start * C  // [width, C]
      if Ra > HS {
        // Factored: a[active] · (W_O^h W_U[block]ᵀ) costs (HS·C + Ra·HS) per column.
        BLAS.matmul(wo, unembedding, transposeB: true, into: &block, m: HS, n: width, k: C)
        for (i, r) in active.enumerated() { for d in 0..<HS { gathered[i * HS + d] = a[r * HS + d] } }
        BLAS.matmul(gathered, block, into: &logits, m: Ra, n: width, k: HS)
      } else {
        for (i, r) in active.enumerated() { for c in 0..<C { gathered[i * C + c] = x[r * C + c] } }
        BLAS.matmul(gathered, unembedding, transposeB: true, into: &logits, m: Ra, n: width, k: C)
      }
      var still: [Int] = []
      still.reserveCapacity(Ra)
      for (i, r) in active.enumerated() {
        let threshold = own[r], target = targets[r] - start
        var up = above[r], down = below[r]
        logits.withUnsafeBufferPointer { buffer in
          let row = buffer.baseAddress! + i * width
          for j in 0..<width where j != target {
            if row[j] > threshold { up += 1 } else if row[j] < threshold { down += 1 }
          }
        }
        above[r] = min(up, k)
        below[r] = min(down, k)
        if above[r] < k || below[r] < k { still.append(r) }
      }
      active = still
      start += width
    }
    return Counts(above: above, below: below)
  }
}
