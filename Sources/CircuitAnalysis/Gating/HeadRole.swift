/// A head's role by causal head gating's taxonomy (Nam et al. 2025, arXiv 2505.13737, Fig. 1;
/// papers.md section 1, which follows the paper, not the `jonhanke` fork's inverted labels):
///
/// | role          | G⁺ (keep pressure) | G⁻ (remove pressure) |
/// |---------------|--------------------|----------------------|
/// | facilitating  | ≥ t                | ≥ t                  |
/// | interfering   | < t                | < t                  |
/// | irrelevant    | ≥ t                | < t                  |
/// | ambiguous     | < t                | ≥ t                  |
///
/// "Ambiguous" (off when pushed on, on when pushed off) fits none of the paper's three roles.
public enum HeadRole: String, CaseIterable, Sendable {
  case facilitating, interfering, irrelevant, ambiguous

  public init(keep: Double, remove: Double, threshold: Double = 0.5) {
    switch (keep >= threshold, remove >= threshold) {
    case (true, true): self = .facilitating
    case (false, false): self = .interfering
    case (true, false): self = .irrelevant
    case (false, true): self = .ambiguous
    }
  }
}

/// Causal head gating's continuous per-head scores (papers.md section 1, marked UNVERIFIED there as
/// the paper's exact definition): facilitation = G⁻, interference = 1 − G⁺, irrelevance = G⁺ − G⁻.
/// They sum to 1.
public enum GateScore: String, CaseIterable, Sendable {
  case facilitation, interference, irrelevance

  public func value(keep: Double, remove: Double) -> Double {
    switch self {
    case .facilitation: return remove
    case .interference: return 1 - keep
    case .irrelevance: return keep - remove
    }
  }
}
