import TransformerEngine

/// The effective OV circuit of each head read in the vocabulary (Elhage et al. 2021's OV
/// circuit with Gould et al. 2024's effective embedding): logits(t) = E'[t] · W_V^h W_O^h · W_Uᵀ,
/// no biases and no final LayerNorm, as circuits-over-time and MAPS compute it. Only the rows and
/// columns asked for are computed. With `rawEmbeddingAtLayerZero` layer 0's heads read W_E itself
/// (MAPS, Elhelo & Geva 2025: E' = W_E at layer 0, the effective embedding after it).
struct OVLogits {
  let model: TransformerModel
  /// E' of `rows` [R, C].
  let inputs: [Float]
  let rows: [Int]
  /// W_E of `rows` [R, C] when layer 0 reads the raw token embedding, else nil.
  let layerZeroInputs: [Float]?
  /// W_U rows of `columns` [K, C].
  let unembedding: [Float]
  let columns: [Int]

  init(_ model: TransformerModel, rows: [Int], columns: [Int], addingTokenEmbedding: Bool, rawEmbeddingAtLayerZero: Bool = false) throws {
    let C = model.config.modelDim
    self.model = model
    self.rows = rows
    self.columns = columns
    inputs = try EffectiveEmbedding.compute(model, tokens: rows, addingTokenEmbedding: addingTokenEmbedding).values
    let wte = model.parameters.pointer(.tokenEmbedding)  // [V, C]
    layerZeroInputs = rawEmbeddingAtLayerZero ? rows.flatMap { id in (0..<C).map { wte[id * C + $0] } } : nil
    let wu = model.parameters.pointer(model.unembeddingName)  // [V, C]
    unembedding = columns.flatMap { id in (0..<C).map { wu[id * C + $0] } }
  }

  /// [R, K] for head (layer, head).
  func logits(layer: Int, head: Int) -> [Float] {
    let C = model.config.modelDim, HS = model.config.headDim, R = rows.count, K = columns.count
    let qkv = model.parameters.pointer(.block(layer, .qkvWeight))  // [C, 3C], v columns from 2C
    let wo = model.parameters.pointer(.block(layer, .attnOutWeight))  // [C, C], head rows h*HS..
    var values = [Float](repeating: 0, count: R * HS)  // [R, HS]
    var written = [Float](repeating: 0, count: R * C)  // [R, C]
    var out = [Float](repeating: 0, count: R * K)  // [R, K]
    BLAS.matmul(layer == 0 ? layerZeroInputs ?? inputs : inputs, qkv + 2 * C + head * HS, ldb: 3 * C, into: &values, m: R, n: HS, k: C)
    BLAS.matmul(values, wo + head * HS * C, into: &written, m: R, n: C, k: HS)
    BLAS.matmul(written, unembedding, transposeB: true, into: &out, m: R, n: K, k: C)
    return out
  }
}
