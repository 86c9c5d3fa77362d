import Foundation
import TransformerEngine

/// How a head's relevance to a task is measured.
public enum RelevanceMethod: String, CaseIterable, Sendable {
  /// I_h = E_x |∂M(x)/∂ξ_h| for a multiplicative gate ξ_h on the head's output (Michel, Levy &
  /// Neubig 2019, "Are Sixteen Heads Really Better than One?"), the absolute value taken per prompt
  /// before averaging.
  case gradient
  /// M(clean) − M(clean with the head zero-ablated): positive when the head helps.
  case ablation
  /// Denoising attn_head_out_all_pos: M(corrupted with the head's clean output) − M(corrupted).
  case patching
  /// The attribution-patching estimate of that patching effect (Nanda 2023).
  case atp

  public init(named name: String) throws {
    guard let method = RelevanceMethod(rawValue: name) else {
      throw AnalysisError.unknownName(kind: "relevance method", name: name, known: RelevanceMethod.allCases.map(\.rawValue))
    }
    self = method
  }
}

/// Per-head relevance to a task given as a dataset of prompt pairs: scores [L,NH], head relevance
/// vectors, and ordered weakening.
public enum HeadRelevance {
  /// Scores every head by `method`, [L,NH], with per-prompt statistics. The gradient method also
  /// returns its per-layer normalised form, I_{l,h} / (Σ_h' I_{l,h'}²)^½ (Michel et al., after
  /// Molchanov et al. 2017), as a second result (kind `relevance.gradient.normalised`).
  public static func scores(
    _ method: RelevanceMethod, subject: AnalysisSubject, groups: [PromptPairBatch], metric: MetricChoice = .logitDifference,
    perPrompt: Bool = false, progress: AnalysisProgress = .none
  ) throws -> [AnalysisResult] {
    let started = Date()
    guard !groups.isEmpty else { throw AnalysisError.emptyDataset("no prompts to score heads on") }
    let L = subject.layers, NH = subject.heads
    var rows = GroupedRows(cells: L * NH)
    switch method {
    case .gradient:
      // One backward pass per batch with a gate per row ([B,L,NH]): row b's gate gradient is
      // ∂(mean M)/∂ξ_b = ∂M_b/∂ξ_b / B, so each prompt's own |∂M/∂ξ| comes out of one pass.
      progress.start(total: groups.flatMap(\.blocks).count)
      for group in groups.flatMap(\.blocks) {
        if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: groups.flatMap(\.blocks).count) }
        let objective = try choiceMetric(metric, group, subject).objective()
        let B = group.count
        let gradient = try subject.model.withHeadGates(Tensor(shape: [B, L, NH], repeating: 1)) {
          try subject.model.gradients(group.cleanBatch, logits: metric.kind == .loss ? .all : .last, objective: objective)
        }
        let metricRows = try choiceMetric(metric, group, subject).perRow(gradient.logits)
        let g = gradient.headGateGradient!  // [B,L,NH]
        rows.addBaseline(metricRows)
        rows.add((0..<(L * NH)).map { i in (0..<B).map { b in Double(abs(g.values[b * L * NH + i])) * Double(B) } })
        progress.advance()
      }
    case .ablation:
      let heads = (0..<L).flatMap { l in (0..<NH).map { [HeadIndex(l, $0)] } }
      let ablated = try HeadAblation.perRow(subject: subject, groups: groups, metric: metric, mode: .zero, positions: nil, variants: heads, progress: progress)
      rows.addBaseline(ablated.clean)
      rows.add(ablated.values.map { cell in cell.map { zip(ablated.clean, $0).map { $0 - $1 } } })
    case .patching:
      let patched = try ActivationPatching.perRow(.headOutAllPositions, subject: subject, groups: groups, metric: metric, direction: .denoising, progress: progress)
      rows = patched.subtractingCorrupted()
    case .atp:
      for group in groups.flatMap(\.blocks) {
        let estimate = try AttributionPatching.perRow(.headOutAllPositions, subject: subject, pair: group, metric: metric, direction: .denoising, progress: progress)
        rows.addBaseline(estimate.clean)
        rows.add(estimate.values)
      }
    }
    if rows.values.contains(where: { $0 == nil }) { throw AnalysisError.cancelled(completed: progress.completed, total: L * NH * groups.count) }
    var result = AnalysisResult(
      kind: "relevance.\(method.rawValue)", metric: rows.summary(choice: metric, groups: groups, subject: subject, normalised: false),
      axes: [.layers(L), .heads(NH)], values: ResultGrid(missing: [L, NH]),
      params: PromptPairBatch.params(groups).merging([
        "method": .string(method.rawValue), "metric": metric.params, "sign": .string(method.signConvention),
      ]) { $1 },
      model: subject.identity)
    try rows.fill(&result, perPrompt: perPrompt)
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    guard method == .gradient else { return [result] }
    var normalised = result
    normalised.kind = "relevance.gradient.normalised"
    normalised.sums = nil
    normalised.stderr = nil
    normalised.count = nil
    normalised.perPrompt = nil
    let raw = result.values.numbers.map { $0! }
    var scaled = raw
    for l in 0..<L {
      let norm = (0..<NH).map { raw[l * NH + $0] * raw[l * NH + $0] }.reduce(0, +).squareRoot()
      for h in 0..<NH { scaled[l * NH + h] = norm > 0 ? raw[l * NH + h] / norm : 0 }
    }
    normalised.values = ResultGrid(shape: [L, NH], numbers: scaled)
    normalised.params["normalisation"] = "per-layer l2 (Michel et al. 2019)"
    return [result, normalised]
  }

  static func choiceMetric(_ choice: MetricChoice, _ pair: PromptPairBatch, _ subject: AnalysisSubject) throws -> Metric {
    try choice.metric(for: pair) { try subject.model.forward(pair.cleanBatch) }
  }

  /// How negative scores become importances for a head relevance vector.
  public enum Clipping: String, CaseIterable, Sendable {
    /// |score|.
    case absolute
    /// max(score, 0): heads that hurt the task count as irrelevant.
    case positive
  }

  /// The head relevance vector of a concept (Park et al. 2025, "Cross-Attention Head Position
  /// Patterns Can Align with Human Visual Concepts", adapted to language models as papers.md
  /// section 8 (b) describes): the per-head importances normalised to mean 1 across all heads.
  public static func relevanceVector(_ scores: AnalysisResult, clipping: Clipping = .absolute, concept: String) throws -> AnalysisResult {
    let raw = try scores.values.numbers.map { v -> Double in
      guard let v else { throw AnalysisError.invalidArgument("the scores of \(scores.kind) are incomplete") }
      return clipping == .absolute ? abs(v) : max(v, 0)
    }
    let total = raw.reduce(0, +)
    guard total > 0 else { throw AnalysisError.invalidArgument("every head's importance is 0 for \(concept): no relevance vector") }
    let n = Double(raw.count)
    var result = scores
    result.kind = "relevance.hrv"
    result.values = ResultGrid(shape: scores.shape, numbers: raw.map { $0 * n / total })
    result.sums = nil
    result.stderr = nil
    result.count = nil
    result.perPrompt = nil
    result.params["concept"] = .string(concept)
    result.params["clipping"] = .string(clipping.rawValue)
    result.params["from"] = .string(scores.kind)
    return result
  }

  /// Ordered weakening (Park et al. 2025): zero-ablate heads cumulatively in most-relevant-first
  /// (MoRHF) and least-relevant-first (LeRHF) order of `relevance` and record the metric after each
  /// head: values [2, L·NH+1] (order × number of heads ablated). A valid relevance ranking drops the
  /// metric much faster under MoRHF.
  public static func orderedWeakening(
    _ relevance: AnalysisResult, subject: AnalysisSubject, groups: [PromptPairBatch], metric: MetricChoice = .logitDifference,
    mode: AblationMode = .zero, progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    let started = Date()
    let L = subject.layers, NH = subject.heads
    guard relevance.shape == [L, NH] else { throw AnalysisError.invalidArgument("ordered weakening needs [L,NH] relevance scores, got shape \(relevance.shape)") }
    let scores = try relevance.values.numbers.map { v -> Double in
      guard let v else { throw AnalysisError.invalidArgument("the relevance scores are incomplete") }
      return v
    }
    let heads = (0..<(L * NH)).map { HeadIndex($0 / NH, $0 % NH) }
    let mostFirst = heads.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.map { heads[$0] }
    let leastFirst = Array(mostFirst.reversed())
    let most = try HeadAblation.cumulative(mostFirst, subject: subject, groups: groups, metric: metric, mode: mode, progress: progress)
    let least = try HeadAblation.cumulative(leastFirst, subject: subject, groups: groups, metric: metric, mode: mode, progress: progress)
    var rows = GroupedRows(cells: 2 * (L * NH + 1))
    rows.addBaseline(most.rows.clean)
    rows.add(most.rows.values + least.rows.values)
    var summary = rows.summary(choice: metric, groups: groups, subject: subject, normalised: false)
    summary.corrupted = nil
    var result = AnalysisResult(
      kind: "relevance.ordered_weakening", metric: summary,
      axes: [ResultAxis(name: "order", labels: ["most_relevant_first", "least_relevant_first"]), .indexed("heads_ablated", count: L * NH + 1)],
      values: ResultGrid(missing: [2, L * NH + 1]),
      params: PromptPairBatch.params(groups).merging(mode.params) { $1 }.merging([
        "metric": metric.params, "relevance": .string(relevance.kind),
        "most_relevant_first": .strings(mostFirst.map(\.description)),
      ]) { $1 },
      model: subject.identity)
    try rows.fill(&result)
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }
}

extension RelevanceMethod {
  var signConvention: String {
    switch self {
    case .gradient: return "E|dM/dgate| (non-negative)"
    case .ablation: return "M(clean) - M(head zero-ablated): positive when the head helps"
    case .patching: return "M(corrupted, head's clean output patched in) - M(corrupted)"
    case .atp: return "first-order estimate of the patching effect"
    }
  }
}
