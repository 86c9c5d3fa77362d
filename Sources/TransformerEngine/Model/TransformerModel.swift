/// A decoder-only transformer: configuration plus weights, with a hookable forward pass.
///
/// Not thread-safe: one forward pass at a time per instance (hooks and workspaces are per model).
public final class TransformerModel: @unchecked Sendable {
  public let config: ModelConfig
  public let parameters: ParameterStore
  let hookRegistry = HookRegistry()
  private var cachedWorkspace: Workspace?

  /// A model with all-zero weights of the given configuration (fill `parameters` afterwards).
  public init(config: ModelConfig) throws {
    try config.validate()
    self.config = config
    self.parameters = ParameterStore(layout: ParameterLayout(config: config))
  }

  /// A replica sharing `other`'s weights (not copied) with its own workspace and hooks, so
  /// several threads can run forward/backward passes on the same weights at once.
  public init(sharingWeightsOf other: TransformerModel) {
    self.config = other.config
    self.parameters = other.parameters
  }

  /// Multiplicative gates on each head's output `z`, shape [L, NH], or nil for none (all 1).
  public private(set) var headGates: Tensor?

  /// Runs `body` with head gates [L, NH] applied to every head's `z` after `hook_z` (so `hook_z`
  /// shows the head's own computation and `hook_result`/`hook_attn_out` the gated one).
  public func withHeadGates<R>(_ gates: Tensor, _ body: () throws -> R) throws -> R {
    guard gates.shape == [config.layers, config.heads] else {
      throw EngineError.invalidConfig("head gates must have shape [\(config.layers), \(config.heads)], got \(gates.shape)")
    }
    let previous = headGates
    headGates = gates
    defer { headGates = previous }
    return try body()
  }

  /// Runs `body` with `hooks` active; they are removed when `body` returns or throws.
  public func withHooks<R>(_ hooks: [Hook], _ body: () throws -> R) rethrows -> R {
    hookRegistry.push(hooks)
    defer { hookRegistry.pop() }
    return try body()
  }

  /// A workspace for B×T, reusing the previous one when it fits exactly.
  func workspace(B: Int, T: Int, keepsAllLayers: Bool) -> Workspace {
    if let w = cachedWorkspace, w.B == B, w.T == T, w.keepsAllLayers == keepsAllLayers { return w }
    let w = Workspace(config: config, B: B, T: T, keepsAllLayers: keepsAllLayers)
    cachedWorkspace = w
    return w
  }

  /// Releases the cached activation buffers.
  public func releaseWorkspace() { cachedWorkspace = nil }

  /// Checks a batch of token ids: non-empty, equal lengths, within context and vocabulary.
  public func validate(tokens: [[Int]]) throws -> (B: Int, T: Int) {
    guard let first = tokens.first, !first.isEmpty else { throw EngineError.emptyPrompt }
    let lengths = tokens.map(\.count)
    if lengths.contains(where: { $0 != first.count }) { throw EngineError.raggedBatch(lengths: lengths) }
    if lengths.contains(0) { throw EngineError.emptyPrompt }
    if first.count > config.contextLength {
      throw EngineError.promptTooLong(length: first.count, contextLength: config.contextLength)
    }
    for row in tokens {
      for id in row where id < 0 || id >= config.vocabularySize {
        throw EngineError.tokenOutOfRange(id: id, vocabularySize: config.vocabularySize)
      }
    }
    return (tokens.count, first.count)
  }
}
