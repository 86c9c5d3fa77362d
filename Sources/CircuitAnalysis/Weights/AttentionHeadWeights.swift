/// One attention head's weights in TransformerLens's shapes and names (Elhage et al. 2021's
/// W_Q, W_K, W_V, W_O): a row vector x reads q = x·W_Q + b_Q, and the head writes z·W_O.
public struct AttentionHeadWeights: Sendable {
  public let head: HeadIndex
  /// W_Q, W_K, W_V [C, HS].
  public let query: [Float]
  public let key: [Float]
  public let value: [Float]
  /// W_O [HS, C].
  public let output: [Float]
  /// b_Q, b_K, b_V [HS].
  public let queryBias: [Float]
  public let keyBias: [Float]
  public let valueBias: [Float]
  public let modelDim: Int
  public let headDim: Int

  /// The OV circuit W_V·W_O [C, C], TransformerLens's `model.OV[l, h]`.
  public var ov: FactoredMatrix { FactoredMatrix(left: value, right: output, rows: modelDim, inner: headDim, columns: modelDim) }

  /// The QK circuit W_Q·W_Kᵀ [C, C], TransformerLens's `model.QK[l, h]` (no 1/√d_head, no biases).
  public var qk: FactoredMatrix {
    FactoredMatrix(left: query, right: FactoredMatrix.transpose(key, rows: modelDim, columns: headDim), rows: modelDim, inner: headDim, columns: modelDim)
  }
}
