/// A decoder-only transformer: configuration plus weights, with a hookable forward pass.
///
/// Not thread-safe: one forward pass at a time per instance (hooks and workspaces are per model).
public final class TransformerModel: @unchecked Sendable {
  public let config: ModelConfig
  public let parameters: ParameterStore
  let hookRegistry = HookRegistry()
  private var cachedWorkspace: Workspace?
  /// The active `withCancellation` check, polled before every block.
  private(set) var cancellationCheck: (() -> Bool)?

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

  /// Multiplicative gates on each head's output `z`: [L, NH] (shared by every row), [B, L, NH]
  /// (row b gated by `gates[b]`), or nil for none (all 1).
  public private(set) var headGates: Tensor?

  /// Runs `body` with head gates applied to every head's `z` after `hook_z` (so `hook_z` shows
  /// the head's own computation and `hook_result`/`hook_attn_out` the gated one). `gates` is
  /// [L, NH] for every row alike, or [B, L, NH] with a batch axis so that rows of one batch run
  /// different ablations (the batch the forward pass gets must then have exactly B rows).
  /// Causal head gating: Lee et al. 2024; head masks: Michel et al. 2019.
  public func withHeadGates<R>(_ gates: Tensor, _ body: () throws -> R) throws -> R {
    let perModel = [config.layers, config.heads]
    guard gates.shape == perModel || (gates.shape.count == 3 && gates.shape[0] >= 1 && Array(gates.shape.dropFirst()) == perModel) else {
      throw EngineError.invalidConfig("head gates must have shape [\(config.layers), \(config.heads)] or [B, \(config.layers), \(config.heads)], got \(gates.shape)")
    }
    let previous = headGates
    headGates = gates
    defer { headGates = previous }
    return try body()
  }

  /// Row-wise gates must cover exactly the batch being run.
  func validateHeadGates(B: Int) throws {
    guard let gates = headGates, gates.shape.count == 3, gates.shape[0] != B else { return }
    throw EngineError.invalidConfig("row-wise head gates have shape \(gates.shape) but the batch has \(B) rows")
  }

  /// The row of the flattened gates holding layer `l`'s NH gates for batch row `b`
  /// (`gates.values[gateRow(b, layer: l) * NH + h]`).
  func gateRow(_ b: Int, layer l: Int) -> Int {
    guard let gates = headGates, gates.shape.count == 3 else { return l }
    return b * config.layers + l
  }

  /// Runs `body` with `isCancelled` polled before every block of every forward pass; when it
  /// returns true the pass throws `EngineError.cancelled`. Hooks, head gates and the check itself
  /// are scoped (removed when their scope ends, also by a throw), so the model stays usable:
  /// the next pass starts from a clean state.
  public func withCancellation<R>(_ isCancelled: @escaping () -> Bool, _ body: () throws -> R) rethrows -> R {
    let previous = cancellationCheck
    cancellationCheck = isCancelled
    defer { cancellationCheck = previous }
    return try body()
  }

  /// Runs `body` with `hooks` active; they are removed when `body` returns or throws.
  public func withHooks<R>(_ hooks: [Hook], _ body: () throws -> R) rethrows -> R {
    hookRegistry.push(hooks)
    defer { hookRegistry.pop() }
    return try body()
  }

  /// A workspace for B×T (after p prefix positions in a suffix pass), reusing the previous one
  /// when it fits exactly.
  func workspace(B: Int, T: Int, keepsAllLayers: Bool, prefixPositions: Int? = nil) -> Workspace {
    if let w = cachedWorkspace, w.B == B, w.T == T, w.keepsAllLayers == keepsAllLayers, w.prefixPositions == prefixPositions {
      return w
    }
    let w = Workspace(config: config, B: B, T: T, keepsAllLayers: keepsAllLayers, prefixPositions: prefixPositions)
    cachedWorkspace = w
    return w
  }

  /// Releases the cached activation buffers.
  public func releaseWorkspace() { cachedWorkspace = nil }

  /// Checks where a pass starts; returns its batch size and positions.
  func validate(_ start: PassStart) throws -> (B: Int, T: Int) {
    switch start {
    case .tokens(let tokens): return try validate(tokens: tokens)
    case .residual(let layer, let residual):
      guard (0...config.layers).contains(layer) else {
        throw EngineError.invalidConfig("start layer \(layer) is outside 0...\(config.layers)")
      }
      let s = residual.shape
      guard s.count == 3, s[0] >= 1, s[1] >= 1, s[2] == config.modelDim, residual.values.count == s.reduce(1, *) else {
        throw EngineError.invalidConfig("residual stream for blocks.\(layer).hook_resid_pre must be [B, T, \(config.modelDim)], got \(s)")
      }
      if s[1] > config.contextLength { throw EngineError.promptTooLong(length: s[1], contextLength: config.contextLength) }
      return (s[0], s[1])
    }
  }

  /// Checks a right-padded batch's real lengths: one per row, each in 1...T.
  func validate(lengths: [Int], B: Int, T: Int) throws {
    guard lengths.count == B else {
      throw EngineError.invalidConfig("\(lengths.count) row lengths for a batch of \(B) rows")
    }
    for (b, n) in lengths.enumerated() where n < 1 || n > T {
      if n < 1 { throw EngineError.emptyPrompt }
      throw EngineError.invalidConfig("row \(b) has length \(n) but the padded batch has \(T) positions")
    }
  }

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
