import TransformerEngine

/// The rows a head's static vocabulary map starts from, E'[s] · W_V^h for source tokens s (MAPS,
/// Elhelo & Geva 2025): E' is W_E at layer 0 when `rawEmbeddingAtLayerZero` (MAPS), else the
/// effective embedding MLP0(LN2_0(W_E)) (`EffectiveEmbedding`, optionally + W_E) at every layer,
/// as Analyses I's copy and successor scores read it. No value bias (MAPS and Analyses I).
struct HeadSpaceVectors {
  let model: TransformerModel
  /// E' of the sources [R, C].
  let effective: [Float]
  /// W_E of the sources [R, C] when layer 0 reads the raw embedding, else nil.
  let raw: [Float]?
  let count: Int

  init(_ model: TransformerModel, sources: [Int], addingTokenEmbedding: Bool, rawEmbeddingAtLayerZero: Bool) throws {
    let C = model.config.modelDim
    self.model = model
    count = sources.count
    effective = try EffectiveEmbedding.compute(model, tokens: sources, addingTokenEmbedding: addingTokenEmbedding).values
    let wte = model.parameters.pointer(.tokenEmbedding)  // [V, C]
    raw = rawEmbeddingAtLayerZero ? sources.flatMap { id in (0..<C).map { wte[id * C + $0] } } : nil
  }

  /// E' · W_V of every head of `layer` [R, C]: head h's vectors are columns h*HS..<(h+1)*HS.
  func layer(_ l: Int) -> [Float] {
    let C = model.config.modelDim, R = count
    let qkv = model.parameters.pointer(.block(l, .qkvWeight))  // [C, 3C], v columns from 2C
    var out = [Float](repeating: 0, count: R * C)  // [R, C]
    BLAS.matmul(l == 0 ? raw ?? effective : effective, qkv + 2 * C, ldb: 3 * C, into: &out, m: R, n: C, k: C)
    return out
  }

  /// Head h's columns of a `layer(_:)` buffer [R, HS].
  func head(_ h: Int, of all: [Float]) -> [Float] {
    let C = model.config.modelDim, HS = model.config.headDim
    var out = [Float](repeating: 0, count: count * HS)  // [R, HS]
    for r in 0..<count { for d in 0..<HS { out[r * HS + d] = all[r * C + h * HS + d] } }
    return out
  }

  /// What `params` records about E'.
  static func description(addingTokenEmbedding: Bool, rawEmbeddingAtLayerZero: Bool) -> String {
    let effective = addingTokenEmbedding ? "MLP0(LN2_0(W_E)) + W_E" : "MLP0(LN2_0(W_E))"
    return rawEmbeddingAtLayerZero ? "layer 0: W_E; layers > 0: \(effective) (MAPS)" : "every layer: \(effective) (Analyses I)"
  }
}
