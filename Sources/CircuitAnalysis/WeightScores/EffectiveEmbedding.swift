import TransformerEngine

/// The effective embedding E' of tokens: the token embedding after the first MLP with no
/// attention and no positional embedding, E' = MLP0(LN2_0(W_E)) (MAPS, Elhelo & Geva 2025;
/// the successor-heads paper, Gould et al. 2024, applies MLP0 without ln2; papers.md sections 2
/// and 10). LN2_0 is block 0's ln2 with its weight and bias. With `addingTokenEmbedding` the
/// result is E' + W_E, as the residual stream would hold it. HeadLab's one definition: the head
/// detectors and the weight analyses all call this.
public enum EffectiveEmbedding {
  /// E' [N, C] for `tokens` (every token of the vocabulary when nil), in that order.
  public static func compute(_ model: TransformerModel, tokens: [Int]? = nil, addingTokenEmbedding: Bool = false) throws -> Tensor {
    let config = model.config, C = config.modelDim, M = config.mlpDim
    let ids = tokens ?? Array(0..<config.vocabularySize)
    for id in ids where id < 0 || id >= config.vocabularySize {
      throw AnalysisError.invalidArgument("token id \(id) is outside the vocabulary (0-\(config.vocabularySize - 1))")
    }
    let N = ids.count
    let p = model.parameters
    let wte = p.pointer(.tokenEmbedding)  // [V, C]
    var x = [Float](repeating: 0, count: N * C)  // [N, C]
    for (n, id) in ids.enumerated() { for c in 0..<C { x[n * C + c] = wte[id * C + c] } }
    var mean = [Float](repeating: 0, count: N), scale = [Float](repeating: 0, count: N)
    var normed = [Float](repeating: 0, count: N * C)  // [N, C]
    layerNormStatistics(mean: &mean, scale: &scale, input: x, N: N, C: C, epsilon: config.normEpsilon)
    layerNormApply(out: &normed, input: x, mean: mean, scale: scale,
                   weight: p.pointer(.block(0, .ln2Weight)), bias: p.pointer(.block(0, .ln2Bias)), N: N, C: C)
    var pre = [Float](repeating: 0, count: N * M), post = [Float](repeating: 0, count: N * M)  // [N, M]
    linearForward(out: &pre, input: normed, weight: p.pointer(.block(0, .mlpInWeight)), bias: p.pointer(.block(0, .mlpInBias)), N: N, IC: C, OC: M)
    activationForward(config.activation, out: &post, input: pre, N: N * M)
    var out = [Float](repeating: 0, count: N * C)  // [N, C]
    linearForward(out: &out, input: post, weight: p.pointer(.block(0, .mlpOutWeight)), bias: p.pointer(.block(0, .mlpOutBias)), N: N, IC: M, OC: C)
    if addingTokenEmbedding { for i in 0..<(N * C) { out[i] += x[i] } }
    return Tensor(shape: [N, C], values: out)
  }
}
