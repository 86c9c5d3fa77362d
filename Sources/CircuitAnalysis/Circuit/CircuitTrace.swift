import Foundation

/// Circuit tracing by scored edges: score the edges by edge attribution (EAP / EAP-IG,
/// `EdgeAttribution`) or by path patching (`PathPatchingEdges`), keep the edges with the largest
/// |score| (and every edge the method leaves unscored), and measure the kept circuit's
/// faithfulness with every other edge mean-ablated over the reference distribution
/// (`CircuitEvaluator`).
public enum CircuitTrace {
  /// How edges are scored.
  public enum Method: String, CaseIterable, Sendable {
    case eap
    case eapIG = "eap-ig"
    /// Path patching (Wang et al. 2023) of every head -> later head and head -> logits edge.
    case path

    var edgeAttribution: EdgeAttribution.Method? { EdgeAttribution.Method(rawValue: rawValue) }
  }

  public struct Settings: Sendable, Equatable {
    public var method: Method = .eap
    /// EAP-IG's interpolation steps m (Hanna et al. 2024 use m ≈ 5).
    public var steps = 5
    /// Whether heads are split into their q, k and v inputs (ACDC's and EAP's graph).
    public var splitQKV = false
    /// Keep at most this many edges, largest |score| first; nil: `defaultKeepFraction` of the
    /// edges when no threshold is given, else every edge at or above the threshold.
    public var keep: Int?
    /// Keep only edges with |score| >= threshold (applied before `keep`).
    public var threshold: Double?
    /// Keep the smallest top-n reaching this faithfulness (`FaithfulnessTarget`; instead of
    /// `keep` and `threshold`).
    public var target: Double?
    public var metric: MetricChoice = .logitDifference

    public init() {}

    /// The share of the graph's edges kept when neither `keep` nor `threshold` is given.
    public static let defaultKeepFraction = 0.1

    public func validate() throws {
      if let threshold, !(threshold >= 0) {
        throw AnalysisError.invalidArgument("the threshold is compared with |score|: give a value >= 0, got \(threshold)")
      }
      if let keep, keep < 0 { throw AnalysisError.invalidArgument("keep must be a number of edges >= 0, got \(keep)") }
      if steps < 1 { throw AnalysisError.invalidArgument("EAP-IG needs at least 1 interpolation step, got \(steps)") }
      if let target {
        guard target > 0, target <= 1 else { throw AnalysisError.invalidArgument("the faithfulness target must be in (0, 1], got \(target)") }
        guard keep == nil, threshold == nil else { throw AnalysisError.invalidArgument("give a faithfulness target or keep/threshold, not both") }
      }
      if method == .eap && metric.kind == .klDivergence {
        throw AnalysisError.invalidArgument("EAP takes the gradient on the clean run, where KL divergence to the clean run is at its minimum (gradient 0): use method=eap-ig or another metric")
      }
    }
  }

  /// `trace.eap` / `trace.eap-ig`: axes [], the value = the kept circuit's faithfulness;
  /// `graph` = the kept circuit (nodes, and edges with their scores); `params` = the method, its
  /// settings, the keep rule, the faithfulness with its three metrics and normalisation, and the
  /// ablation's reference distribution. `progress` counts backward passes, then the blocks of
  /// the evaluations (three, or those of the target's search); cancelling throws
  /// `AnalysisError.cancelled`.
  public static func run(
    subject: AnalysisSubject, batch: PromptPairBatch, reference: AblationReference, settings: Settings,
    progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    try settings.validate()
    let started = Date()
    let blocks = batch.blocks.count
    let edgeCount = CircuitGraph.allEdges(layers: subject.layers, heads: subject.heads, splitQKV: settings.splitQKV).count
    let evaluations = settings.target == nil ? 3 : 2 + FaithfulnessTarget.maximumEvaluations(edges: edgeCount)
    let scoringPasses = settings.method.edgeAttribution.map { EdgeAttribution.passes($0, steps: settings.steps) }
      ?? PathPatchingEdges.passes(layers: subject.layers, heads: subject.heads, splitQKV: settings.splitQKV)
    let total = blocks * scoringPasses + evaluations * blocks
    progress.start(total: total)
    let evaluator = try CircuitEvaluator(subject: subject, batch: batch, reference: reference, metric: settings.metric)
    let scored: CircuitGraph
    if let attribution = settings.method.edgeAttribution {
      scored = try EdgeAttribution.scores(subject: subject, batch: batch, method: attribution, steps: settings.steps,
                                          splitQKV: settings.splitQKV, metric: settings.metric, progress: progress)
    } else {
      scored = try PathPatchingEdges.scores(subject: subject, batch: batch, splitQKV: settings.splitQKV, metric: settings.metric, progress: progress)
    }
    let unscored = scored.edges.filter { $0.score == nil }
    let completing = { (kept: [CircuitEdge]) in completed(kept, unscored: unscored) }
    var (kept, keepRule) = keptEdges(scored.edges.filter { $0.score != nil }, settings: settings)
    let faithfulness: CircuitFaithfulness
    if let target = settings.target {
      let found = try FaithfulnessTarget.search(target, ranked: kept, completing: completing, graph: scored, evaluator: evaluator, progress: progress)
      kept = Array(kept.prefix(found.n))
      faithfulness = found.faithfulness
      keepRule = [
        "rank": "|score|, largest first", "target": .number(target), "keep": .integer(found.n),
        "search": "binary search over n for the smallest top-n with faithfulness >= target, assuming faithfulness grows with n",
        "evaluated": .array(found.evaluated.map { [.integer($0.0), .number($0.1)] }),
      ]
      progress.advance(by: total - progress.completed)  // the search may stop early
    } else {
      faithfulness = try evaluator.faithfulness(of: scored.keeping(completing(kept)), progress: progress)
    }
    let circuit = scored.keeping(completing(kept))
    guard let value = faithfulness.value else {
      throw AnalysisError.invalidArgument("faithfulness is undefined: the full model and the empty circuit both give \(settings.metric.kind.rawValue) = \(faithfulness.full)")
    }
    var params: [String: JSONValue] = [
      "method": .string(settings.method.rawValue),
      "split_qkv": .bool(settings.splitQKV),
      "keep_rule": keepRule,
      "kept_edges": .integer(circuit.edges.count),
      "total_edges": .integer(scored.edges.count),
      "score": settings.method == .path
        ? "M(patched) - M(clean), mean over prompts: path patching (Wang et al. 2023) of the edge's receiver with the sender's corrupted output, every other head frozen at its clean hook_z, MLPs and LayerNorms recomputing (noising); edges ranked by |score|"
        : "sum over positions of (out_s(corrupted) - out_s(clean)) . dM/d(input of r) on the clean run, mean over prompts: the first-order change of M when the edge is corrupted (noising); edges ranked by |score|",
      "faithfulness": faithfulness.params,
      "count": .integer(batch.count),
    ]
    if settings.method == .path {
      params["unscored_edges"] = .integer(unscored.count)
      params["unscored"] = "edges from the embedding or an MLP, and edges into an MLP, are not path-patched (Wang et al. knock out heads only): the embedding's and the MLPs' edges are in every circuit, a head's edges into MLPs when the head sends a kept edge"
    }
    if settings.method == .eapIG {
      params["steps"] = .integer(settings.steps)
      params["interpolation"] = "hook_embed = corrupted + k/m (clean - corrupted), k = 1..m; gradients averaged over the m steps"
    }
    params.merge(evaluator.params) { $1 }
    var result = AnalysisResult(
      kind: "trace.\(settings.method.rawValue)", metric: MetricSummary(name: settings.metric.kind.rawValue, clean: faithfulness.full),
      axes: [], values: .scalar(value), params: params, model: subject.identity)
    result.graph = circuit.json
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }

  /// `kept` with the edges the method left unscored that belong with it: an unscored edge stays
  /// when each of its ends is the embedding, an MLP, the logits or a head that sends a kept edge
  /// (a head is in the circuit or knocked out as a whole, as Wang et al. knock out heads).
  static func completed(_ kept: [CircuitEdge], unscored: [CircuitEdge]) -> [CircuitEdge] {
    func head(_ node: CircuitNode) -> HeadIndex? { node.headIndex.map { HeadIndex($0.layer, $0.head) } }
    let heads = Set(kept.compactMap { head($0.sender) })
    return unscored.filter { edge in
      [edge.sender, edge.receiver].allSatisfy { node in head(node).map(heads.contains) ?? true }
    } + kept
  }

  /// The kept edges, largest |score| first (ties in graph order), and the rule as params.
  static func keptEdges(_ edges: [CircuitEdge], settings: Settings) -> ([CircuitEdge], JSONValue) {
    let ranked = edges.enumerated().sorted {
      let (a, b) = (abs($0.element.score ?? 0), abs($1.element.score ?? 0))
      return a != b ? a > b : $0.offset < $1.offset
    }.map(\.element)
    var kept = ranked
    if settings.target != nil { return (ranked, .null) }
    if let threshold = settings.threshold { kept = kept.filter { abs($0.score ?? 0) >= threshold } }
    let limit = settings.keep ?? (settings.threshold == nil ? Int((Settings.defaultKeepFraction * Double(edges.count)).rounded(.up)) : nil)
    if let limit { kept = Array(kept.prefix(limit)) }
    let rule: JSONValue = [
      "rank": "|score|, largest first",
      "keep": limit.map { .integer($0) } ?? .null,
      "threshold": settings.threshold.map(JSONValue.number) ?? .null,
      "default": settings.keep == nil && settings.threshold == nil ? .string("the top \(Int(Settings.defaultKeepFraction * 100))% of the edges") : .null,
    ]
    return (kept, rule)
  }
}
