import TransformerEngine

/// What stands for a token at a head's input when a circuit is read in the vocabulary.
public enum CircuitEmbedding: Sendable, Equatable {
  /// W_E at every layer: Elhage et al. 2021's full circuits, TransformerLens's `W_E @ model.OV[l, h] @ W_U`.
  case tokenEmbedding
  /// MAPS (Elhelo & Geva 2025; papers.md section 10): W_E for layer 0, and after it the effective
  /// embedding E' = MLP0(LN2_0(W_E)) (`EffectiveEmbedding`, HeadLab's one definition), plus W_E
  /// when `addingTokenEmbedding`.
  case maps(addingTokenEmbedding: Bool)

  /// Whether a head in `layer` reads W_E itself.
  func readsTokenEmbedding(layer: Int) -> Bool {
    if case .maps = self, layer > 0 { return false }
    return true
  }

  var params: [String: JSONValue] {
    switch self {
    case .tokenEmbedding:
      return ["embedding": "token", "embedding_meaning": "W_E at every layer (Elhage et al. 2021; TransformerLens W_E @ OV @ W_U)"]
    case .maps(let adding):
      return [
        "embedding": "maps", "adding_token_embedding": .bool(adding),
        "embedding_meaning": .string("MAPS: W_E at layer 0, after it E' = MLP0(LN2_0(W_E))\(adding ? " + W_E" : "") (EffectiveEmbedding)"),
      ]
    }
  }

  /// The [V, C] rows a head in `layer` reads, for every token of the vocabulary. E' is computed
  /// in blocks of `block` tokens, so MLP0's [block, 4C] activations are all that is added to the
  /// [V, C] result.
  func rows(_ weights: HeadWeights, layer: Int, block: Int = 4096) throws -> [Float] {
    let model = weights.model, V = model.config.vocabularySize, C = model.config.modelDim
    if readsTokenEmbedding(layer: layer) { return Array(UnsafeBufferPointer(start: model.parameters.pointer(.tokenEmbedding), count: V * C)) }
    guard case .maps(let adding) = self else { preconditionFailure("unreachable") }
    var out = [Float]()
    out.reserveCapacity(V * C)
    var start = 0
    while start < V {
      let ids = Array(start..<min(V, start + block))
      out += try EffectiveEmbedding.compute(model, tokens: ids, addingTokenEmbedding: adding).values
      start += ids.count
    }
    return out
  }
}
