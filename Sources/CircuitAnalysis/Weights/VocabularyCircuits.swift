import TransformerEngine

// A head's circuits read in the vocabulary and in positions (Elhage et al. 2021, "A Mathematical
// Framework for Transformer Circuits": the full OV circuit W_U W_OV W_E and the full QK circuit
// W_Eᵀ W_QK W_E, written here for row vectors), each a rank-HS `FactoredMatrix`.
// Legend: V vocabulary, P positions, C d_model, HS d_head.

extension HeadWeights {
  /// The OV circuit in the vocabulary, E·W_V W_O·W_U [V, V] = (E·W_V) [V, HS] · (W_O·W_U) [HS, V]:
  /// row t holds the logits the head adds when it attends to token t. `embedding` E is [V, C]
  /// (`CircuitEmbedding.rows`). No biases and no final LayerNorm, as MAPS and TransformerLens.
  func fullOV(_ head: AttentionHeadWeights, embedding: [Float]) -> FactoredMatrix {
    let V = config.vocabularySize, C = config.modelDim, HS = config.headDim
    var a = [Float](repeating: 0, count: V * HS)  // [V, HS]
    BLAS.matmul(embedding, head.value, into: &a, m: V, n: HS, k: C)
    var b = [Float](repeating: 0, count: HS * V)  // [HS, V]
    BLAS.matmul(head.output, unembeddingRows, transposeB: true, into: &b, m: HS, n: V, k: C)
    return FactoredMatrix(left: a, right: b, rows: V, inner: HS, columns: V)
  }

  /// The QK circuit in the vocabulary, E·W_Q W_Kᵀ·Eᵀ [V, V] = (E·W_Q) [V, HS] · (E·W_K)ᵀ [HS, V]:
  /// entry (q, k) is the attention score (before 1/√HS, no biases, no positions) of a query
  /// token q on a key token k.
  func fullQK(_ head: AttentionHeadWeights, embedding: [Float]) -> FactoredMatrix {
    let V = config.vocabularySize
    return Self.qk(head, rows: embedding, count: V, dim: config.modelDim)
  }

  /// The positional QK circuit, W_pos·W_Q W_Kᵀ·W_posᵀ [P, P]: entry (i, j) is the score of query
  /// position i on key position j from the position embeddings alone; a previous-token head has
  /// its largest entries at j = i − 1.
  func positionalQK(_ head: AttentionHeadWeights) -> FactoredMatrix {
    let P = config.contextLength, C = config.modelDim
    let wpos = Array(UnsafeBufferPointer(start: model.parameters.pointer(.positionEmbedding), count: P * C))  // [P, C]
    return Self.qk(head, rows: wpos, count: P, dim: C)
  }

  /// X·W_Q W_Kᵀ·Xᵀ for X [N, C].
  static func qk(_ head: AttentionHeadWeights, rows x: [Float], count N: Int, dim C: Int) -> FactoredMatrix {
    let HS = head.headDim
    var queries = [Float](repeating: 0, count: N * HS), keys = queries  // [N, HS]
    BLAS.matmul(x, head.query, into: &queries, m: N, n: HS, k: C)
    BLAS.matmul(x, head.key, into: &keys, m: N, n: HS, k: C)
    return FactoredMatrix(left: queries, right: FactoredMatrix.transpose(keys, rows: N, columns: HS), rows: N, inner: HS, columns: N)
  }
}
