import TransformerEngine

/// The weights the weight analyses read, raw or processed: per head W_Q, W_K, W_V [C, HS],
/// W_O [HS, C] and b_Q, b_K, b_V [HS] (`AttentionHeadWeights`), and W_E [V, C], W_pos [P, C],
/// W_U [C, V] with its bias b_U [V].
///
/// - Raw: the model's own parameters (HeadLab's GPT-2 has no b_U, so it is zero), as
///   TransformerLens loads them with no processing.
/// - Processed: TransformerLens's `fold_ln`, `center_writing_weights` and `center_unembed`,
///   computed here from the raw weights (`WeightProcessing`); `model` is then the processed
///   model, which other weight analyses (OV logits, the effective embedding) can read in place
///   of the raw one.
public struct HeadWeights: @unchecked Sendable {
  /// The model the weights are read from: the subject's, or its processed copy.
  public let model: TransformerModel
  public let processed: Bool
  /// b_U [V]: zero for raw weights, the folded and centred ln_final bias when processed.
  public let unembeddingBias: [Float]

  /// The raw weights of `model`, or (`processed`) those of its processed copy.
  public init(_ model: TransformerModel, processed: Bool) throws {
    if processed {
      let folded = try WeightProcessing.process(model)
      self.model = folded.model
      unembeddingBias = folded.unembeddingBias
    } else {
      self.model = model
      unembeddingBias = [Float](repeating: 0, count: model.config.vocabularySize)
    }
    self.processed = processed
  }

  public var config: ModelConfig { model.config }

  /// Head (layer, head)'s weights; the head must exist (callers check it with
  /// `AnalysisSubject.check(head:)`).
  public func head(_ index: HeadIndex) -> AttentionHeadWeights {
    let C = config.modelDim, HS = config.headDim, p = model.parameters
    precondition(index.layer >= 0 && index.layer < config.layers && index.head >= 0 && index.head < config.heads, "no head \(index)")
    let qkv = p.pointer(.block(index.layer, .qkvWeight))  // [C, 3C]: q | k | v, heads contiguous
    let bias = p.pointer(.block(index.layer, .qkvBias))  // [3C]
    let wo = p.pointer(.block(index.layer, .attnOutWeight))  // [C, C], rows h*HS..<(h+1)*HS
    func columns(_ part: Int) -> [Float] {
      var out = [Float](repeating: 0, count: C * HS)  // [C, HS]
      let first = part * C + index.head * HS
      for c in 0..<C { for j in 0..<HS { out[c * HS + j] = qkv[c * 3 * C + first + j] } }
      return out
    }
    func biases(_ part: Int) -> [Float] { (0..<HS).map { bias[part * C + index.head * HS + $0] } }
    return AttentionHeadWeights(
      head: index, query: columns(0), key: columns(1), value: columns(2),
      output: Array(UnsafeBufferPointer(start: wo + index.head * HS * C, count: HS * C)),
      queryBias: biases(0), keyBias: biases(1), valueBias: biases(2), modelDim: C, headDim: HS)
  }

  /// W_E [V, C] (a copy).
  public var tokenEmbedding: Tensor { model.parameters.tensor(.tokenEmbedding) }
  /// W_pos [P, C] (a copy).
  public var positionEmbedding: Tensor { model.parameters.tensor(.positionEmbedding) }
  /// W_U [C, V] (a transposed copy; the model stores it [V, C]).
  public var unembedding: Tensor {
    let V = config.vocabularySize, C = config.modelDim
    let rows = unembeddingRows  // [V, C]
    var out = [Float](repeating: 0, count: C * V)  // [C, V]
    for v in 0..<V { for c in 0..<C { out[c * V + v] = rows[v * C + c] } }
    return Tensor(shape: [C, V], values: out)
  }

  /// W_Uᵀ as the model stores it, [V, C] (not a copy).
  var unembeddingRows: UnsafeMutablePointer<Float> { model.parameters.pointer(model.unembeddingName) }
}
