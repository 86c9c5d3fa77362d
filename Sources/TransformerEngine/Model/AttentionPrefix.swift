// The keys and values a suffix pass reads for the positions it does not recompute.
// Legend: B batch, Bp prefix rows (1 or B), B0 cached prompt rows, T positions, p prefix
// positions, NH heads, HS head size, C = NH*HS.

/// For each block a suffix pass runs, the attention keys and values of positions 0..<p, as
/// `blocks.{l}.attn.hook_k` / `hook_v` hold them: [Bp, p, NH, HS] with Bp == 1 (one prompt,
/// broadcast to every row of the suffix batch) or Bp == B (row b reads row b).
///
/// Causal attention makes position t depend only on positions <= t (Vaswani et al. 2017), so an
/// intervention at position p leaves positions < p unchanged in every block: their keys and
/// values can be taken from the unpatched (target) run instead of being recomputed. This is the
/// key/value cache of incremental decoding, used here for activation patching sweeps (papers.md
/// section 4; Heimersheim & Nanda 2024, "How to use and interpret activation patching").
public struct AttentionPrefix: Sendable, Equatable {
  /// p: the positions 0..<p whose keys and values are given.
  public let positions: Int
  /// Layer -> keys [Bp, p, NH, HS].
  public let keys: [Int: Tensor]
  /// Layer -> values [Bp, p, NH, HS].
  public let values: [Int: Tensor]

  /// A prefix from explicit tensors (checked against the model by the suffix pass).
  public init(positions: Int, keys: [Int: Tensor], values: [Int: Tensor]) {
    self.positions = positions
    self.keys = keys
    self.values = values
  }

  /// The prefix of `layers` from a target run's cache of `blocks.{l}.attn.hook_k` / `hook_v`
  /// ([B0, T, NH, HS]): positions 0..<p of each.
  ///
  /// `variants` tiles the B0 cached prompts for a suffix batch of `variants * B0` rows in
  /// variant-major order: suffix row `v * B0 + b` is variant v of prompt b, i.e. rows
  /// `[v0: prompt 0..<B0, v1: prompt 0..<B0, ...]`. A single cached prompt (B0 == 1) is kept as
  /// one row whatever `variants` is: it broadcasts to every suffix row without a copy.
  public init(cache: ActivationCache, layers: some Sequence<Int>, positions p: Int, variants: Int = 1) throws {
    guard variants >= 1 else { throw EngineError.invalidConfig("attention prefix variants must be at least 1, got \(variants)") }
    var keys: [Int: Tensor] = [:], values: [Int: Tensor] = [:]
    for l in layers {
      keys[l] = try Self.leadingPositions(of: .block(l, .k), in: cache, p: p, variants: variants)
      values[l] = try Self.leadingPositions(of: .block(l, .v), in: cache, p: p, variants: variants)
    }
    self.init(positions: p, keys: keys, values: values)
  }

  /// Positions 0..<p of a cached [B0, T, NH, HS] tensor, tiled `variants` times along the batch
  /// axis (variant-major) unless B0 == 1: [B0 * variants or 1, p, NH, HS].
  static func leadingPositions(of site: HookSite, in cache: ActivationCache, p: Int, variants: Int) throws -> Tensor {
    guard let cached = cache[site] else {
      throw EngineError.invalidConfig("attention prefix: the cache has no \(site.name) (record it in the target run)")
    }
    let s = cached.shape
    guard s.count == 4 else { throw EngineError.invalidConfig("attention prefix: cached \(site.name) has shape \(s), expected [B, T, NH, HS]") }
    let (B0, T, C) = (s[0], s[1], s[2] * s[3])
    guard (0...T).contains(p) else {
      throw EngineError.invalidConfig("attention prefix: positions \(p) is outside 0...\(T) of the cached \(site.name) \(s)")
    }
    let tiles = B0 == 1 ? 1 : variants
    var out = [Float]()
    out.reserveCapacity(tiles * B0 * p * C)
    for _ in 0..<tiles {
      for b in 0..<B0 { out += cached.values[(b * T * C)..<(b * T * C + p * C)] }
    }
    return Tensor(shape: [tiles * B0, p, s[2], s[3]], values: out)
  }

  /// Checks the prefix for a suffix pass of B rows through blocks `layers` of `config`.
  func validate(B: Int, layers: Range<Int>, config: ModelConfig) throws {
    let (NH, HS, p) = (config.heads, config.headDim, positions)
    for l in layers {
      for (name, tensors) in [("keys (hook_k)", keys), ("values (hook_v)", values)] {
        guard let t = tensors[l] else {
          throw EngineError.invalidConfig("attention prefix has no \(name) for layer \(l); the suffix pass runs blocks \(layers.lowerBound)..<\(layers.upperBound)")
        }
        let s = t.shape
        guard s.count == 4, s[0] == 1 || s[0] == B, s[1] == p, s[2] == NH, s[3] == HS, t.values.count == s.reduce(1, *) else {
          throw EngineError.invalidConfig("attention prefix \(name) of layer \(l) have shape \(s), expected [1 or \(B), \(p), \(NH), \(HS)] ([Bp, p, NH, HS])")
        }
      }
    }
  }
}
