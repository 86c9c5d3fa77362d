/// Turns a causal head gating fit (Nam et al. 2025, arXiv 2505.13737) into headlab.result/1
/// results; see `CausalHeadGating.run` for the kinds and their axes.
struct CHGResults {
  let subject: AnalysisSubject
  let settings: CHGSettings
  let fit: GateFit
  let groups: [PromptPairBatch]
  /// Contrastive CHG's negative prompts; nil for the three-stage fit.
  var negative: [PromptPairBatch]? = nil

  /// Stages in the order of the `stage` axis.
  static let stageOrder: [GateFit.Stage] = [.keep, .remove, .unregularised]

  var params: [String: JSONValue] {
    if negative != nil { return contrastiveParams }
    return PromptPairBatch.params(groups).merging(settings.params) { $1 }.merging([
      "method": "causal head gating (Nam et al. 2025, arXiv 2505.13737)",
      "loss": "NLL(answer at the last position, mean over prompts) - lambda * mean(clamp(theta, -clamp, clamp)); lambda > 0 keeps gates",
      "stages": "stage1: lambda = 0 from a random start; G+: lambda = +|lambda| from stage1; G-: lambda = -|lambda| from stage1",
      "gate": "G = sigmoid(theta) multiplies each head's z; G = 0 is zero ablation",
      "optimiser": "Adam per restart and stage, gradient L2 norm clipped per restart; float32 forward and backward, no AMP",
      "scores_unverified": .string(CausalHeadGating.scoresNote),
    ]) { $1 }
  }

  func results() -> [AnalysisResult] {
    let L = subject.layers, NH = subject.heads, LH = L * NH, K = fit.initialTheta.count
    let keep = fit.gates(.keep), remove = fit.gates(.remove)
    let base = params
    let headAxes: [ResultAxis] = [.layers(L), .heads(NH)]

    let scoreSpreads = GateScore.allCases.map { score in
      RestartSpread((0..<K).map { k in (0..<LH).map { score.value(keep: keep[k][$0], remove: remove[k][$0]) } })
    }
    var scores = AnalysisResult(
      kind: "chg.scores", axes: [ResultAxis(name: "score", labels: GateScore.allCases.map(\.rawValue))] + headAxes,
      values: ResultGrid(shape: [3, L, NH], numbers: scoreSpreads.flatMap(\.mean)), params: base, model: subject.identity)
    if K > 1 { scores.stderr = ResultGrid(shape: [3, L, NH], numbers: scoreSpreads.flatMap { $0.stderr! }) }

    let stageGates = Self.stageOrder.map { fit.gates($0) }  // [stage][K][LH]
    let gateSpreads = stageGates.map(RestartSpread.init)
    var gates = AnalysisResult(
      kind: "chg.gates", axes: [ResultAxis(name: "stage", labels: Self.stageOrder.map(\.rawValue))] + headAxes,
      values: ResultGrid(shape: [3, L, NH], numbers: gateSpreads.flatMap(\.mean)), params: base, model: subject.identity)
    if K > 1 { gates.stderr = ResultGrid(shape: [3, L, NH], numbers: gateSpreads.flatMap { $0.stderr! }) }
    gates.params["min_over_restarts"] = .array(gateSpreads.map { .array($0.minimum.map(JSONValue.number)) })
    gates.params["max_over_restarts"] = .array(gateSpreads.map { .array($0.maximum.map(JSONValue.number)) })

    let perRestart = AnalysisResult(
      kind: "chg.gates.restarts",
      axes: [.indexed("restart", count: K), ResultAxis(name: "stage", labels: Self.stageOrder.map(\.rawValue))] + headAxes,
      values: ResultGrid(shape: [K, 3, L, NH], numbers: (0..<K).flatMap { k in stageGates.flatMap { $0[k] } }),
      params: base, model: subject.identity)

    let meanKeep = gateSpreads[0].mean, meanRemove = gateSpreads[1].mean
    let roles = (0..<LH).map { HeadRole(keep: meanKeep[$0], remove: meanRemove[$0], threshold: settings.threshold) }
    let agreement = (0..<LH).map { i in (0..<K).filter { HeadRole(keep: keep[$0][i], remove: remove[$0][i], threshold: settings.threshold) == roles[i] }.count }
    var labels = AnalysisResult(
      kind: "chg.labels", axes: headAxes, values: ResultGrid(shape: [L, NH], cells: roles.map { .token($0.rawValue) }),
      params: base, model: subject.identity)
    labels.params["agreement"] = .integerRows((0..<L).map { l in Array(agreement[(l * NH)..<((l + 1) * NH)]) })
    labels.params["agreement_meaning"] = .string("per head, how many of the \(K) restarts give the head the label of the restart-mean gates")
    labels.params["counts"] = .object(Dictionary(uniqueKeysWithValues: HeadRole.allCases.map { role in (role.rawValue, JSONValue.integer(roles.filter { $0 == role }.count)) }))

    return [scores, gates, perRestart, labels, lossResult(base)]
  }

  /// `chg.loss` [stage, step, restart]: the loss of every step before its update.
  func lossResult(_ base: [String: JSONValue]) -> AnalysisResult {
    let steps = settings.stepsPerStage, K = fit.initialTheta.count
    return AnalysisResult(
      kind: "chg.loss",
      axes: [ResultAxis(name: "stage", labels: fit.stages.map(\.rawValue)), .indexed("step", count: steps), .indexed("restart", count: K)],
      values: ResultGrid(shape: [fit.stages.count, steps, K], numbers: fit.losses.flatMap { $0.flatMap { $0 } }), params: base, model: subject.identity)
  }

  static func validationResult(_ validation: (values: [Double], metric: Metric.Kind), subject: AnalysisSubject, params: [String: JSONValue]) -> AnalysisResult {
    var result = AnalysisResult(
      kind: "chg.validation", metric: MetricSummary(name: validation.metric.rawValue, clean: validation.values[0]),
      axes: [ResultAxis(name: "variant", labels: GateValidation.variants)],
      values: ResultGrid(shape: [3], numbers: validation.values), params: params, model: subject.identity)
    result.params["ablation"] = "zero (G = 0 on the head's z)"
    return result
  }
}
