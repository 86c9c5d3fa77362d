/// A place in the forward pass where an activation can be read or replaced, named exactly as
/// TransformerLens names its `HookPoint`s (so names copy between HeadLab and notebooks).
public struct HookSite: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The hook points of one block or of the embedding / final norm, with their TransformerLens
  /// suffixes. The order is the order in which the forward pass reaches them.
  public enum Point: Int, CaseIterable, Sendable {
    case embed, posEmbed
    case residPre, attnIn, qInput, kInput, vInput
    case ln1Scale, ln1Normalized, q, k, v, attnScores, pattern, z, result, attnOut
    case residMid, mlpIn, ln2Scale, ln2Normalized, mlpPre, mlpPost, mlpOut, residPost
    case finalScale, finalNormalized
    case unembedIn, unembedOut

    /// The name after `blocks.{l}.` (or the whole name for the non-block points).
    public var suffix: String {
      switch self {
      case .embed: return "hook_embed"
      case .posEmbed: return "hook_pos_embed"
      case .residPre: return "hook_resid_pre"
      case .attnIn: return "hook_attn_in"
      case .qInput: return "hook_q_input"
      case .kInput: return "hook_k_input"
      case .vInput: return "hook_v_input"
      case .ln1Scale: return "ln1.hook_scale"
      case .ln1Normalized: return "ln1.hook_normalized"
      case .q: return "attn.hook_q"
      case .k: return "attn.hook_k"
      case .v: return "attn.hook_v"
      case .attnScores: return "attn.hook_attn_scores"
      case .pattern: return "attn.hook_pattern"
      case .z: return "attn.hook_z"
      case .result: return "attn.hook_result"
      case .attnOut: return "hook_attn_out"
      case .residMid: return "hook_resid_mid"
      case .mlpIn: return "hook_mlp_in"
      case .ln2Scale: return "ln2.hook_scale"
      case .ln2Normalized: return "ln2.hook_normalized"
      case .mlpPre: return "mlp.hook_pre"
      case .mlpPost: return "mlp.hook_post"
      case .mlpOut: return "hook_mlp_out"
      case .residPost: return "hook_resid_post"
      case .finalScale: return "ln_final.hook_scale"
      case .finalNormalized: return "ln_final.hook_normalized"
      case .unembedIn: return "unembed.hook_in"
      case .unembedOut: return "unembed.hook_out"
      }
    }

    /// Points materialised only when hooked (TransformerLens needs a config flag for each:
    /// `use_attn_result`, `use_attn_in`, `use_split_qkv_input`, `use_hook_mlp_in`), so the plain
    /// forward pass never pays for them. `runWithCache(sites: nil)` leaves them out.
    public var isOptIn: Bool {
      switch self {
      case .result, .attnIn, .qInput, .kInput, .vInput, .mlpIn: return true
      default: return false
      }
    }

    /// The per-head copies of the residual stream that feed attention (TransformerLens
    /// `use_attn_in` / `use_split_qkv_input`): hooking any of them runs ln1 per head.
    public var isAttentionInput: Bool {
      switch self {
      case .attnIn, .qInput, .kInput, .vInput: return true
      default: return false
      }
    }

    /// `hook_attn_in`, `hook_q_input`, `hook_k_input`, `hook_v_input`, in forward order.
    public static let attentionInputs: [Point] = [.attnIn, .qInput, .kInput, .vInput]

    /// Whether the point belongs to a block (and so needs a layer index).
    public var isPerLayer: Bool {
      switch self {
      case .embed, .posEmbed, .finalScale, .finalNormalized, .unembedIn, .unembedOut: return false
      default: return true
      }
    }
  }

  public let point: Point
  /// The block index for per-layer points, nil otherwise.
  public let layer: Int?

  public init(_ point: Point, layer: Int? = nil) {
    precondition(point.isPerLayer == (layer != nil), "\(point) \(point.isPerLayer ? "needs" : "takes no") layer")
    self.point = point
    self.layer = layer
  }

  public static func block(_ layer: Int, _ point: Point) -> HookSite { HookSite(point, layer: layer) }

  public var name: String {
    if let layer { return "blocks.\(layer).\(point.suffix)" }
    return point.suffix
  }
  public var description: String { name }

  public static func < (a: HookSite, b: HookSite) -> Bool {
    func rank(_ s: HookSite) -> (Int, Int) {
      switch s.point {
      case .embed, .posEmbed: return (-1, s.point.rawValue)
      case .finalScale, .finalNormalized, .unembedIn, .unembedOut: return (Int.max, s.point.rawValue)
      default: return (s.layer!, s.point.rawValue)
      }
    }
    return rank(a) < rank(b)
  }

  /// Parses a TransformerLens hook name for a model with `layers` blocks; errors name the input
  /// and suggest the closest real name.
  public init(parsing name: String, layers: Int) throws {
    let all = HookSite.allSites(layers: layers)
    if let site = all.first(where: { $0.name == name }) {
      self = site
      return
    }
    throw EngineError.unknownHook(name: name, suggestion: HookSite.closest(to: name, among: all.map(\.name)))
  }

  /// Every site of a model with `layers` blocks, in forward order, the opt-in ones included.
  public static func allSites(layers: Int) -> [HookSite] {
    var sites = [HookSite(.embed), HookSite(.posEmbed)]
    for l in 0..<layers {
      for p in Point.allCases where p.isPerLayer { sites.append(HookSite(p, layer: l)) }
    }
    sites += [HookSite(.finalScale), HookSite(.finalNormalized), HookSite(.unembedIn), HookSite(.unembedOut)]
    return sites
  }

  /// The activation's shape for a batch of `batch` prompts of `positions` tokens.
  /// `unembed.hook_out` (the logits) has `positions` = the number of logit positions computed.
  public func shape(batch B: Int, positions T: Int, config: ModelConfig) -> [Int] {
    let C = config.modelDim, NH = config.heads, HS = config.headDim
    switch point {
    case .ln1Scale, .ln2Scale, .finalScale: return [B, T, 1]
    case .q, .k, .v, .z: return [B, T, NH, HS]
    case .attnScores, .pattern: return [B, NH, T, T]
    case .result, .attnIn, .qInput, .kInput, .vInput: return [B, T, NH, C]
    case .mlpPre, .mlpPost: return [B, T, config.mlpDim]
    case .unembedOut: return [B, T, config.vocabularySize]
    default: return [B, T, C]
    }
  }

  static func closest(to name: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(Array(name), Array($0))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(3, name.count / 3) else { return nil }
    return best.0
  }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var current = [i] + [Int](repeating: 0, count: b.count)
    for j in stride(from: 1, through: b.count, by: 1) {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.count]
}
