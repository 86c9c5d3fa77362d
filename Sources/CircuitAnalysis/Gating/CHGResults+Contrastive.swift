import TransformerEngine

/// Contrastive CHG's results (the official `ContrastiveCHGTrainer`, Nam et al. 2025; papers.md
/// section 1): one gate set that keeps the positive prompts' answers and removes the negative ones'.
extension CHGResults {
  static let contrastiveSets = ["positive", "negative"]
  static let contrastiveVariants = ["full", "gated", "kept_only"]
  static let contrastiveMeasures = ["logprob", "top1_accuracy"]

  var contrastiveParams: [String: JSONValue] {
    var out = PromptPairBatch.params(groups).merging(settings.params) { $1 }
    out["negative"] = .object(PromptPairBatch.params(negative!))
    out.merge([
      "method": "contrastive causal head gating (Nam et al. 2025, arXiv 2505.13737; the official ContrastiveCHGTrainer)",
      "loss": "-mean(logp_pos) + mean(clamp(logp_neg - stopgrad(logp_pos), min = -max_difference)) - lambda * mean(clamp(theta, -clamp, clamp)); logp of the answer at the last position; lambda > 0 keeps gates",
      "stages": "one stage from a random start with +|lambda|",
      "pairing": "positive row i with negative row i; the longer set is cut to the shorter one's length",
      "gate": "G = sigmoid(theta) multiplies each head's z; G = 0 is zero ablation",
      "optimiser": "Adam per restart, gradient L2 norm clipped per restart, learning rate decaying linearly to learning_rate_end when set; float32 forward and backward, no AMP",
    ]) { $1 }
    return out
  }

  /// The gates [K][L·NH] after the contrastive stage.
  var contrastiveGates: [[Double]] { fit.gates(.contrastive) }

  func contrastiveResults(rows: GatingRows, negativeRows: GatingRows) throws -> [AnalysisResult] {
    let L = subject.layers, NH = subject.heads, LH = L * NH, K = fit.initialTheta.count
    var base = params
    base["pairs_used"] = .integer(rows.count)
    let headAxes: [ResultAxis] = [.layers(L), .heads(NH)]
    let spread = RestartSpread(contrastiveGates)
    var gates = AnalysisResult(kind: "chg.contrastive.gates", axes: headAxes, values: ResultGrid(shape: [L, NH], numbers: spread.mean), params: base, model: subject.identity)
    if K > 1 { gates.stderr = ResultGrid(shape: [L, NH], numbers: spread.stderr!) }
    gates.params["min_over_restarts"] = .array(spread.minimum.map(JSONValue.number))
    gates.params["max_over_restarts"] = .array(spread.maximum.map(JSONValue.number))
    let perRestart = AnalysisResult(
      kind: "chg.contrastive.gates.restarts", axes: [.indexed("restart", count: K)] + headAxes,
      values: ResultGrid(shape: [K, L, NH], numbers: contrastiveGates.flatMap { $0 }), params: base, model: subject.identity)

    let t = settings.threshold
    let kept = spread.mean.map { $0 >= t }
    let agreement = (0..<LH).map { i in contrastiveGates.filter { ($0[i] >= t) == kept[i] }.count }
    var labels = AnalysisResult(
      kind: "chg.contrastive.labels", axes: headAxes, values: ResultGrid(shape: [L, NH], cells: kept.map { .token($0 ? "kept" : "removed") }),
      params: base, model: subject.identity)
    labels.params["agreement"] = .integerRows((0..<L).map { l in Array(agreement[(l * NH)..<((l + 1) * NH)]) })
    labels.params["agreement_meaning"] = .string("per head, how many of the \(K) restarts put the gate on the same side of the threshold as the restart mean")
    labels.params["counts"] = ["kept": .integer(kept.filter { $0 }.count), "removed": .integer(kept.filter { !$0 }.count)]

    let gateSets: [[Float]] = [Array(repeating: 1, count: LH), spread.mean.map(Float.init), kept.map { $0 ? 1 : 0 }]
    var values: [Double] = []  // [set, variant, measure]
    for set in [rows, negativeRows] {
      for g in gateSets {
        for kind in [Metric.Kind.logProbability, .topKAccuracy] { values.append(try GateValidation.metric(model: subject.model, rows: set, gates: g, kind: kind)) }
      }
    }
    var validation = AnalysisResult(
      kind: "chg.contrastive.validation",
      axes: [ResultAxis(name: "set", labels: Self.contrastiveSets), ResultAxis(name: "variant", labels: Self.contrastiveVariants), ResultAxis(name: "measure", labels: Self.contrastiveMeasures)],
      values: ResultGrid(shape: [2, 3, 2], numbers: values), params: base, model: subject.identity)
    validation.params["variants"] = "full: every head; gated: each head's z times its restart-mean gate; kept_only: heads with gate >= threshold kept, the rest zero-ablated"
    validation.params["measures"] = "the answer's log-probability at the last position and top-1 accuracy, mean over the set's paired prompts"
    return [gates, perRestart, labels, lossResult(base), validation]
  }
}
