import Foundation

/// Causal head gating (Nam, Conklin, Yang, Griffiths, Cohen & Leslie, NeurIPS 2025, "Causal Head
/// Gating: A Framework for Interpreting Roles of Attention Heads in Transformers", arXiv
/// 2505.13737), following the official code `andrewnam/causal_head_gating` as papers.md section 1
/// describes it: a gate G = σ(θ) multiplies each head's z, the model stays frozen, and θ is fitted
/// by Adam on loss = NLL(answer) − λ·mean(clamp(θ, −4, 4)) in three stages (λ = 0 from a random
/// start; G⁺ with λ = +0.1 and G⁻ with λ = −0.1, both from stage 1). Heads are then facilitating
/// (G⁺, G⁻ high), interfering (both low) or irrelevant (G⁺ high, G⁻ low).
public enum CausalHeadGating {
  /// The note every result's params carry about the continuous scores.
  public static let scoresNote = "facilitation = G-, interference = 1 - G+, irrelevance = G+ - G-: papers.md section 1 marks these continuous scores UNVERIFIED as the paper's exact definition (the official code has no score function); the hard labels at the threshold follow the paper's Fig. 1 table"

  /// Fits the gates on the clean prompts of `groups` (the answer token after each prompt's last
  /// position is the target) and returns, in order:
  /// - `chg.scores` [score(facilitation, interference, irrelevance), layer, head]: mean over
  ///   restarts, with the standard error over restarts when K > 1;
  /// - `chg.gates` [stage(G+, G-, stage1), layer, head]: G = σ(θ) after each stage, mean over
  ///   restarts (stderr over restarts);
  /// - `chg.gates.restarts` [restart, stage, layer, head]: every restart's gates (the full spread);
  /// - `chg.labels` [layer, head]: the role of each head (token cells) from the restart-mean G⁺ and
  ///   G⁻, with per head how many restarts give the same role (params `agreement`) and per role how
  ///   many heads have it (params `counts`, ambiguous included);
  /// - `chg.loss` [stage, step, restart]: the loss at each step, before its update;
  /// - `chg.validation` [variant(full, facilitating_only, interfering_removed)]: the metric (logit
  ///   difference when the rows have wrong tokens, else the answer's log-probability) under hard
  ///   zero ablations of the labels.
  /// `progress` counts optimisation steps (3 · stepsPerStage); cancelling throws
  /// `AnalysisError.cancelled`.
  ///
  /// Contrastive CHG (`settings.objective = .contrastive`, e.g. `CHGSettings.contrastive`; the
  /// official `ContrastiveCHGTrainer`) fits one gate set that keeps the answers of `groups` (the
  /// positive set) while removing those of `negative`, row i of one paired with row i of the other
  /// (the longer set is cut to the shorter's length, as `params` records), and returns instead
  /// `chg.contrastive.gates` [layer, head], `chg.contrastive.gates.restarts` [restart, layer, head],
  /// `chg.contrastive.labels` [layer, head] (kept or removed at the threshold), `chg.loss`
  /// [stage(contrastive), step, restart] and `chg.contrastive.validation` [set, variant, measure].
  public static func run(
    subject: AnalysisSubject, groups: [PromptPairBatch], negative: [PromptPairBatch]? = nil, settings: CHGSettings = CHGSettings(),
    progress: AnalysisProgress = .none
  ) throws -> [AnalysisResult] {
    let started = Date()
    let (rows, negativeRows) = try pairedRows(groups, negative: negative, settings: settings)
    let fit = try GateFit.run(model: subject.model, rows: rows, negative: negativeRows, settings: settings, progress: progress)
    let built = CHGResults(subject: subject, settings: settings, fit: fit, groups: groups, negative: negative)
    var results: [AnalysisResult]
    if let negativeRows {
      results = try built.contrastiveResults(rows: rows, negativeRows: negativeRows)
    } else {
      results = built.results()
      let validation = try GateValidation.run(model: subject.model, rows: rows, roles: results.labelRoles)
      results.append(CHGResults.validationResult(validation, subject: subject, params: results[0].params))
    }
    let elapsed = Int(Date().timeIntervalSince(started) * 1000)
    for i in results.indices { results[i].elapsedMs = elapsed }
    return results
  }

  /// The positive rows and, for contrastive CHG, the negative rows, both cut to the shorter set.
  static func pairedRows(_ groups: [PromptPairBatch], negative: [PromptPairBatch]?, settings: CHGSettings) throws -> (GatingRows, GatingRows?) {
    let rows = try GatingRows(groups)
    guard let negative else { return (rows, nil) }
    let negativeRows = try GatingRows(negative)
    let n = min(rows.count, negativeRows.count)
    return (rows.prefix(n), negativeRows.prefix(n))
  }
}

extension CausalHeadGating {
  /// The fit alone (θ after each stage and the loss of every step), without the
  /// results built from it: for comparing the optimisation with a reference implementation.
  public static func fit(
    subject: AnalysisSubject, groups: [PromptPairBatch], negative: [PromptPairBatch]? = nil, settings: CHGSettings, progress: AnalysisProgress = .none
  ) throws -> GateFit {
    let (rows, negativeRows) = try pairedRows(groups, negative: negative, settings: settings)
    return try GateFit.run(model: subject.model, rows: rows, negative: negativeRows, settings: settings, progress: progress)
  }
}

extension [AnalysisResult] {
  /// The roles of the `chg.labels` result, [L·NH].
  var labelRoles: [HeadRole] {
    first { $0.kind == "chg.labels" }!.values.cells.map { cell in
      if case .token(let name) = cell { return HeadRole(rawValue: name)! }
      return .ambiguous
    }
  }
}
