import Foundation

/// ACDC circuit discovery (Conmy et al., NeurIPS 2023; papers.md section 6) on a prompt batch:
/// `ACDCSearch` over the model's graph, where removing an edge feeds its receiver the sender's
/// mean output over the reference (corrupted) prompts, as `CircuitEvaluator` ablates edges, and
/// the distance from the full model is
/// - `kl`: the KL divergence of the circuit's next-token distribution from the full model's at
///   the last position, averaged over the prompts (ACDC's default);
/// - any other metric M (e.g. the logit difference): -M, ACDC's negated task metric, or with
///   `absolute` |ΔM| (ACDC's `abs_value_threshold`).
///
/// The result is `trace.acdc`: axes [], the value the kept circuit's faithfulness under the same
/// metric; `graph` the kept edges, each scored with the distance change measured when it was
/// tested (ACDC's `effect_size`).
public enum ACDCTrace {
  public static func run(
    subject: AnalysisSubject, batch: PromptPairBatch, reference: AblationReference, tau: Double, absolute: Bool = false,
    splitQKV: Bool = false, metric: MetricChoice, progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    let search = try ACDCSearch(tau: tau, absolute: absolute)
    let started = Date()
    let evaluator = try CircuitEvaluator(subject: subject, batch: batch, reference: reference, metric: metric)
    let full = CircuitGraph.full(layers: subject.layers, heads: subject.heads, splitQKV: splitQKV, method: "acdc")
    let sign = metric.kind == .klDivergence ? 1.0 : -1.0
    let outcome = try search.run(full, progress: progress) { removed in
      let kept = full.edges.filter { !removed.contains($0.key) }
      return sign * (try evaluator.metric(of: full.keeping(kept)))
    }
    let circuit = full.keeping(outcome.kept)
    let faithfulness = try evaluator.faithfulness(of: circuit)
    guard let value = faithfulness.value else {
      throw AnalysisError.invalidArgument("faithfulness is undefined: the full model and the empty circuit both give \(metric.kind.rawValue) = \(faithfulness.full)")
    }
    var params: [String: JSONValue] = [
      "method": "acdc", "tau": .number(tau), "split_qkv": .bool(splitQKV),
      "distance": .string(metric.kind == .klDivergence ? "KL(full || circuit) at the last position, mean over prompts"
                          : absolute ? "|\(metric.kind.rawValue)(circuit) - baseline|" : "-\(metric.kind.rawValue)(circuit) (lower is closer)"),
      "rule": "edge removed when distance(H without it) - distance(H) < tau; receivers output first, parents latest first",
      "score": "the distance change measured when the edge was tested (ACDC's effect_size)",
      "kept_edges": .integer(outcome.kept.count), "total_edges": .integer(full.edges.count),
      "evaluations": .integer(outcome.evaluations), "final_distance": .number(outcome.distance),
      "faithfulness": faithfulness.params, "count": .integer(batch.count),
    ]
    params.merge(evaluator.params) { $1 }
    var result = AnalysisResult(kind: "trace.acdc", metric: MetricSummary(name: metric.kind.rawValue, clean: faithfulness.full),
                                axes: [], values: .scalar(value), params: params, model: subject.identity)
    result.graph = circuit.json
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }
}
