import TransformerEngine

/// Which elements of one prompt's activation at a hook site a patch replaces. The activation of
/// one row has the site's TransformerLens shape without the batch axis: [T,C] for the residual
/// stream and layer outputs, [T,NH,HS] for q/k/v/z, [NH,T,T] for the attention pattern.
public enum PatchSelector: Hashable, Sendable {
  /// Every element (a head's z at all positions is `.head`, not this).
  case everything
  /// One position of a [T,C] activation.
  case position(Int)
  /// One head at every position: [T,NH,HS] columns of head h, or [NH,T,T] head h's whole pattern.
  case head(Int)
  /// One head at one position: [T,NH,HS] at (p,h), or [NH,T,T] head h's destination row p.
  case headAtPosition(head: Int, position: Int)
  /// One cell (destination, source) of head h's [NH,T,T] pattern.
  case patternCell(head: Int, destination: Int, source: Int)

  /// The contiguous runs (offset, length) of one row's activation that the selector covers.
  func spans(site: HookSite, T: Int, config: ModelConfig) throws -> [(offset: Int, length: Int)] {
    let NH = config.heads, HS = config.headDim
    func checkPosition(_ p: Int) throws { if p < 0 || p >= T { throw AnalysisError.positionOutOfRange(position: p, positions: T) } }
    func checkHead(_ h: Int) throws {
      if h < 0 || h >= NH { throw AnalysisError.headOutOfRange(layer: site.layer ?? 0, head: h, layers: config.layers, heads: NH) }
    }
    switch (site.point, self) {
    case (.q, _), (.k, _), (.v, _), (.z, _):
      switch self {
      case .everything: return [(0, T * NH * HS)]
      case .head(let h):
        try checkHead(h)
        return (0..<T).map { t in (t * NH * HS + h * HS, HS) }
      case .headAtPosition(let h, let p):
        try checkHead(h); try checkPosition(p)
        return [(p * NH * HS + h * HS, HS)]
      default: break
      }
    case (.pattern, _), (.attnScores, _):
      switch self {
      case .everything: return [(0, NH * T * T)]
      case .head(let h):
        try checkHead(h)
        return [(h * T * T, T * T)]
      case .headAtPosition(let h, let p):
        try checkHead(h); try checkPosition(p)
        return [(h * T * T + p * T, T)]
      case .patternCell(let h, let d, let s):
        try checkHead(h); try checkPosition(d); try checkPosition(s)
        return [(h * T * T + d * T + s, 1)]
      default: break
      }
    default:
      let width = site.shape(batch: 1, positions: T, config: config).dropFirst(2).reduce(1, *)
      switch self {
      case .everything: return [(0, T * width)]
      case .position(let p):
        try checkPosition(p)
        return [(p * width, width)]
      default: break
      }
    }
    throw AnalysisError.invalidArgument("a \(self) patch does not apply to \(site.name)")
  }
}

/// One replacement inside a patched run: at `site`, the `selector`'s elements of every prompt row
/// are taken from `source`, an activation of the site's shape for the B prompts ([B, ...]).
public struct ActivationEdit: @unchecked Sendable {
  public let site: HookSite
  public let selector: PatchSelector
  public let source: Tensor

  public init(site: HookSite, selector: PatchSelector, source: Tensor) {
    self.site = site
    self.selector = selector
    self.source = source
  }
}

extension PatchSelector {
  /// The first position the patch changes at its site. Attention is causal, so positions before
  /// it keep their unpatched values at every layer (0 for patches that cover every position).
  var firstPosition: Int {
    switch self {
    case .everything, .head: return 0
    case .position(let p), .headAtPosition(_, let p): return p
    case .patternCell(_, let destination, _): return destination
    }
  }

  /// The runs to copy in a pass over the suffix positions p..<T only (the engine's suffix pass,
  /// whose hooks see [S,…] rows and [NH,S,T] patterns with S = T − p): each run's offset in a
  /// full-length source row, its offset in the suffix row, and its length. Needs p <= firstPosition.
  func suffixSpans(site: HookSite, T: Int, p: Int, config: ModelConfig) throws -> [(source: Int, destination: Int, length: Int)] {
    let full = try spans(site: site, T: T, config: config)
    let S = T - p
    switch site.point {
    case .pattern, .attnScores:
      // [NH,T,T] → [NH,S,T]: head h, destination d, source s sits at h·S·T + (d − p)·T + s.
      return full.map { span in
        let h = span.offset / (T * T), d = (span.offset % (T * T)) / T, s = span.offset % T
        return (span.offset, h * S * T + (d - p) * T + s, span.length)
      }
    default:
      // [T,…] rows → [S,…] rows: a position t moves to t − p.
      let width = site.shape(batch: 1, positions: T, config: config).dropFirst(2).reduce(1, *)
      return full.map { ($0.offset, $0.offset - p * width, $0.length) }
    }
  }
}
