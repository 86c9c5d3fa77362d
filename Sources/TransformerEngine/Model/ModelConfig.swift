/// The architecture of a decoder-only transformer, as data.
///
/// The forward pass reads these fields instead of assuming GPT-2, so other families
/// (GPT-NeoX/Pythia: parallel attention, rotary; Llama: RMSNorm, gated MLP, grouped KV) become
/// new cases here and new branches in the kernels' dispatch, not a new forward pass.
/// Today `HuggingFaceConfig` produces GPT-2 configurations.
public struct ModelConfig: Equatable, Sendable, Codable {
  public enum Normalization: String, Equatable, Sendable, Codable { case layerNorm }
  public enum PositionalEmbedding: String, Equatable, Sendable, Codable { case learned }
  public enum AttentionLayout: String, Equatable, Sendable, Codable {
    /// One [C, 3C] projection producing q, k, v side by side (GPT-2's `c_attn`).
    case fusedQKV
  }
  public enum Activation: String, Equatable, Sendable, Codable {
    /// GPT-2's tanh approximation: 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))).
    case geluNew = "gelu_new"
    /// The exact erf form.
    case gelu
    case relu
  }

  /// Architecture family name, e.g. "gpt2".
  public var family: String
  public var layers: Int
  public var heads: Int
  public var modelDim: Int
  public var mlpDim: Int
  public var contextLength: Int
  public var vocabularySize: Int
  public var normalization: Normalization
  public var normEpsilon: Float
  public var positional: PositionalEmbedding
  public var attentionLayout: AttentionLayout
  public var activation: Activation
  /// The unembedding is the token embedding (GPT-2) rather than a separate `lm_head`.
  public var tiedEmbeddings: Bool

  public var headDim: Int { modelDim / heads }

  public init(
    family: String = "gpt2", layers: Int, heads: Int, modelDim: Int, mlpDim: Int? = nil,
    contextLength: Int, vocabularySize: Int, normEpsilon: Float = 1e-5,
    activation: Activation = .geluNew, tiedEmbeddings: Bool = true
  ) {
    self.family = family
    self.layers = layers
    self.heads = heads
    self.modelDim = modelDim
    self.mlpDim = mlpDim ?? 4 * modelDim
    self.contextLength = contextLength
    self.vocabularySize = vocabularySize
    self.normalization = .layerNorm
    self.normEpsilon = normEpsilon
    self.positional = .learned
    self.attentionLayout = .fusedQKV
    self.activation = activation
    self.tiedEmbeddings = tiedEmbeddings
  }

  /// Throws a message naming the first impossible field.
  public func validate() throws {
    func fail(_ message: String) -> EngineError { .invalidConfig(message) }
    for (name, value) in [("layers", layers), ("heads", heads), ("modelDim", modelDim),
                          ("mlpDim", mlpDim), ("contextLength", contextLength),
                          ("vocabularySize", vocabularySize)] where value <= 0 {
      throw fail("\(name) must be positive, got \(value)")
    }
    if modelDim % heads != 0 {
      throw fail("heads (\(heads)) must divide modelDim (\(modelDim))")
    }
    if !(normEpsilon > 0) { throw fail("normEpsilon must be positive, got \(normEpsilon)") }
  }

  /// Parameters excluding nothing: embeddings, every layer, final norm, unembedding if untied.
  public var parameterCount: Int { ParameterLayout(config: self).totalCount }
}
