import TransformerEngine

/// The activation-patching sweeps of TransformerLens's `patching` module, with its names,
/// granularities and output shapes (Heimersheim & Nanda 2024 describe the method; `resid_post`
/// is HeadLab's addition, TransformerLens has no sweep for it).
public enum PatchingSweep: String, CaseIterable, Sendable {
  case residPre = "resid_pre"
  case residMid = "resid_mid"
  case residPost = "resid_post"
  case attnOut = "attn_out"
  case mlpOut = "mlp_out"
  case headOutAllPositions = "attn_head_out_all_pos"
  case headQAllPositions = "attn_head_q_all_pos"
  case headKAllPositions = "attn_head_k_all_pos"
  case headVAllPositions = "attn_head_v_all_pos"
  case headPatternAllPositions = "attn_head_pattern_all_pos"
  case headOutByPosition = "attn_head_out_by_pos"
  case headQByPosition = "attn_head_q_by_pos"
  case headKByPosition = "attn_head_k_by_pos"
  case headVByPosition = "attn_head_v_by_pos"
  case headPatternByPosition = "attn_head_pattern_by_pos"
  case headPatternDestinationSource = "attn_head_pattern_dest_src_pos"
  case everyBlock = "every_block"
  case everyHeadAllPositions = "every_head_all_pos"
  case everyHeadByPosition = "every_head_by_pos"

  public init(named name: String) throws {
    guard let sweep = PatchingSweep(rawValue: name) else {
      throw AnalysisError.unknownName(kind: "sweep", name: name, known: PatchingSweep.allCases.map(\.rawValue))
    }
    self = sweep
  }

  /// The sweeps a stacked one is made of, in TransformerLens's order (every_block: resid_pre,
  /// attn_out, mlp_out; every_head_*: output, query, key, value, pattern).
  public var parts: [PatchingSweep] {
    switch self {
    case .everyBlock: return [.residPre, .attnOut, .mlpOut]
    case .everyHeadAllPositions: return [.headOutAllPositions, .headQAllPositions, .headKAllPositions, .headVAllPositions, .headPatternAllPositions]
    case .everyHeadByPosition: return [.headOutByPosition, .headQByPosition, .headKByPosition, .headVByPosition, .headPatternByPosition]
    default: return [self]
    }
  }

  public var isStacked: Bool { parts.count > 1 }

  /// The hook point a single sweep patches.
  var point: HookSite.Point {
    switch self {
    case .residPre: return .residPre
    case .residMid: return .residMid
    case .residPost: return .residPost
    case .attnOut: return .attnOut
    case .mlpOut: return .mlpOut
    case .headOutAllPositions, .headOutByPosition: return .z
    case .headQAllPositions, .headQByPosition: return .q
    case .headKAllPositions, .headKByPosition: return .k
    case .headVAllPositions, .headVByPosition: return .v
    case .headPatternAllPositions, .headPatternByPosition, .headPatternDestinationSource: return .pattern
    case .everyBlock, .everyHeadAllPositions, .everyHeadByPosition: preconditionFailure("stacked sweep \(rawValue) has no single hook point")
    }
  }

  /// The result axes for a model of L layers and NH heads on a prompt with these token labels.
  func axes(layers L: Int, heads NH: Int, positions: [String]) -> [ResultAxis] {
    let layer = ResultAxis.layers(L), head = ResultAxis.heads(NH), pos = ResultAxis.positions(positions)
    switch self {
    case .residPre, .residMid, .residPost, .attnOut, .mlpOut: return [layer, pos]
    case .headOutAllPositions, .headQAllPositions, .headKAllPositions, .headVAllPositions, .headPatternAllPositions: return [layer, head]
    case .headOutByPosition, .headQByPosition, .headKByPosition, .headVByPosition: return [layer, pos, head]
    case .headPatternByPosition: return [layer, head, ResultAxis(name: "dest_pos", labels: pos.labels)]
    case .headPatternDestinationSource:
      return [layer, head, ResultAxis(name: "dest_pos", labels: pos.labels), ResultAxis(name: "src_pos", labels: pos.labels)]
    case .everyBlock:
      return [ResultAxis(name: "act", labels: ["resid_pre", "attn_out", "mlp_out"]), layer, pos]
    case .everyHeadAllPositions:
      return [ResultAxis(name: "act", labels: ["output", "query", "key", "value", "pattern"]), layer, head]
    case .everyHeadByPosition:
      return [ResultAxis(name: "act", labels: ["output", "query", "key", "value", "pattern"]), layer, pos, head]
    }
  }

  /// The (site, selector) of every cell of a single sweep, in row-major order of its axes.
  /// For every_head_by_pos the pattern part is laid out [L,T,NH] like the others (TransformerLens
  /// rearranges its [L,NH,T] "batch head pos -> batch pos head").
  func cells(layers L: Int, heads NH: Int, positions T: Int, byPositionLayout: Bool = false) -> [(site: HookSite, selector: PatchSelector)] {
    var out: [(HookSite, PatchSelector)] = []
    for l in 0..<L {
      let site = HookSite.block(l, point)
      switch self {
      case .residPre, .residMid, .residPost, .attnOut, .mlpOut:
        for p in 0..<T { out.append((site, .position(p))) }
      case .headOutAllPositions, .headQAllPositions, .headKAllPositions, .headVAllPositions, .headPatternAllPositions:
        for h in 0..<NH { out.append((site, .head(h))) }
      case .headOutByPosition, .headQByPosition, .headKByPosition, .headVByPosition:
        for p in 0..<T { for h in 0..<NH { out.append((site, .headAtPosition(head: h, position: p))) } }
      case .headPatternByPosition:
        if byPositionLayout {
          for p in 0..<T { for h in 0..<NH { out.append((site, .headAtPosition(head: h, position: p))) } }
        } else {
          for h in 0..<NH { for p in 0..<T { out.append((site, .headAtPosition(head: h, position: p))) } }
        }
      case .headPatternDestinationSource:
        for h in 0..<NH { for d in 0..<T { for s in 0..<T { out.append((site, .patternCell(head: h, destination: d, source: s))) } } }
      case .everyBlock, .everyHeadAllPositions, .everyHeadByPosition:
        preconditionFailure("stacked sweep")
      }
    }
    return out
  }

  /// Every cell of the sweep (stacked ones concatenated part by part) in the row-major order of
  /// `axes`.
  func allCells(layers L: Int, heads NH: Int, positions T: Int) -> [(site: HookSite, selector: PatchSelector)] {
    parts.flatMap { $0.cells(layers: L, heads: NH, positions: T, byPositionLayout: self == .everyHeadByPosition) }
  }

  /// The hook sites the sweep reads from the source run.
  func sites(layers L: Int) -> Set<HookSite> {
    Set(parts.flatMap { part in (0..<L).map { HookSite.block($0, part.point) } })
  }
}

/// Which run is patched into which (Heimersheim & Nanda 2024). Denoising runs the corrupted
/// prompt with clean activations patched in (TransformerLens's default; tests sufficiency);
/// noising runs the clean prompt with corrupted activations patched in (tests necessity).
public enum PatchDirection: String, CaseIterable, Sendable {
  case denoising
  case noising
}
