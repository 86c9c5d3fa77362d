/// Names of the parameter tensors of one transformer block.
///
/// Matrices are stored (in, out), so a projection is `x · W` with `x` [rows, in]: the layout of
/// Hugging Face GPT-2's Conv1D weights and of TransformerLens's W_Q/W_in/W_out einsums, so GPT-2
/// checkpoints load without a transpose. Architectures whose checkpoints use `nn.Linear` (out, in)
/// weights (none yet) will transpose them once, in their weight map.
public enum BlockParameter: String, CaseIterable, Sendable {
  case ln1Weight, ln1Bias
  case qkvWeight, qkvBias          // [C, 3C], [3C]: q | k | v side by side, heads contiguous in each
  case attnOutWeight, attnOutBias  // [C, C], [C]: rows h*HS..<(h+1)*HS belong to head h
  case ln2Weight, ln2Bias
  case mlpInWeight, mlpInBias      // [C, M], [M]
  case mlpOutWeight, mlpOutBias    // [M, C], [C]
}

/// A parameter tensor's identity.
public enum ParameterName: Hashable, Sendable, CustomStringConvertible {
  case tokenEmbedding       // [V, C]
  case positionEmbedding    // [P, C]
  case block(Int, BlockParameter)
  case finalNormWeight, finalNormBias  // [C]
  case unembedding          // [V, C]; only when embeddings are untied

  public var description: String {
    switch self {
    case .tokenEmbedding: return "tokenEmbedding"
    case .positionEmbedding: return "positionEmbedding"
    case .block(let l, let p): return "blocks.\(l).\(p.rawValue)"
    case .finalNormWeight: return "finalNormWeight"
    case .finalNormBias: return "finalNormBias"
    case .unembedding: return "unembedding"
    }
  }
}

/// Where each parameter lives in one flat Float32 buffer (llm.c style: one allocation, so the
/// optimiser and gradient buffers are single loops over the same layout).
public struct ParameterLayout: Sendable {
  public struct Entry: Sendable {
    public let name: ParameterName
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
  }

  public let entries: [Entry]
  public let totalCount: Int
  private let index: [ParameterName: Int]

  public init(config: ModelConfig) {
    let C = config.modelDim, M = config.mlpDim
    var list: [(ParameterName, [Int])] = [
      (.tokenEmbedding, [config.vocabularySize, C]),
      (.positionEmbedding, [config.contextLength, C]),
    ]
    for l in 0..<config.layers {
      let shapes: [BlockParameter: [Int]] = [
        .ln1Weight: [C], .ln1Bias: [C], .qkvWeight: [C, 3 * C], .qkvBias: [3 * C],
        .attnOutWeight: [C, C], .attnOutBias: [C], .ln2Weight: [C], .ln2Bias: [C],
        .mlpInWeight: [C, M], .mlpInBias: [M], .mlpOutWeight: [M, C], .mlpOutBias: [C],
      ]
      for p in BlockParameter.allCases { list.append((.block(l, p), shapes[p]!)) }
    }
    list.append((.finalNormWeight, [C]))
    list.append((.finalNormBias, [C]))
    if !config.tiedEmbeddings { list.append((.unembedding, [config.vocabularySize, C])) }

    var offset = 0
    var entries: [Entry] = []
    var index: [ParameterName: Int] = [:]
    for (name, shape) in list {
      index[name] = entries.count
      entries.append(Entry(name: name, shape: shape, offset: offset))
      // Keep every tensor 16-float (64-byte) aligned for the vector loops.
      offset += (shape.reduce(1, *) + 15) / 16 * 16
    }
    self.entries = entries
    self.totalCount = entries.reduce(0) { $0 + $1.count }
    self.storageCount = offset
    self.index = index
  }

  /// Floats to allocate, including alignment padding.
  public let storageCount: Int

  public func entry(_ name: ParameterName) -> Entry? {
    index[name].map { entries[$0] }
  }
}
