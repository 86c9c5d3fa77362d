import CircuitAnalysis
import Foundation

/// The `chg` command: causal head gating (Nam et al. 2025, arXiv 2505.13737) on a named dataset's
/// clean prompts, the answer token as target; with `negative=DATASET`, contrastive CHG (the official
/// `ContrastiveCHGTrainer`, its defaults: lr 0.1 decaying to 0.01, batch 64) keeping the first
/// dataset's answers while removing the negative one's.
extension Workbench {
  func causalHeadGating(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    let negativeName = a.option("negative")
    var settings = negativeName == nil ? CHGSettings() : .contrastive
    if let maxDifference = a.option("maxdiff") {
      guard negativeName != nil else { throw maxDifference.error("maxdiff is contrastive CHG's clamp: give negative=DATASET too") }
      let value = try a.reading { try maxDifference.float() }
      guard value > 0 else { throw maxDifference.error("maxdiff must be positive, got \(maxDifference.text)") }
      settings.objective = .contrastive(maxDifference: value)
    }
    settings.restarts = try a.reading { try a.option("restarts")?.integer(in: 1...64) } ?? settings.restarts
    settings.stepsPerStage = try a.reading { try a.option("steps")?.integer(in: 1...100_000) } ?? settings.stepsPerStage
    settings.seed = UInt64(try a.reading { try a.option("seed")?.integer(in: 0...Int.max) } ?? 0)
    if let lr = a.option("lr") {
      settings.learningRate = try a.reading { try lr.float() }
      guard settings.learningRate > 0 else { throw lr.error("the learning rate must be positive, got \(lr.text)") }
    }
    if let lambda = a.option("lambda") {
      settings.lambda = try a.reading { try lambda.float() }
      guard settings.lambda >= 0 else { throw lambda.error("lambda is the regulariser's magnitude |λ| (G+ uses +λ, G- uses -λ): give a value >= 0, got \(lambda.text)") }
    }
    let dataset = try namedDataset(a, name: a.positional(0)!, defaultCount: 32)
    let groups = [try dataset.batch(tokenText: m.subject.tokenText)]
    let negative = try negativeName.map { try namedDataset(a, name: $0, defaultCount: 32) }
    var results = try CausalHeadGating.run(
      subject: m.subject, groups: groups, negative: try negative.map { [try $0.batch(tokenText: m.subject.tokenText)] }, settings: settings, progress: progress)
    for i in results.indices {
      results[i].params["dataset"] = dataset.resultParams
      if let negative { results[i].params["negative_dataset"] = negative.resultParams }
    }
    return .results(results)
  }

  /// `--check` compares causal head gating's gates and scores by the side of 0.5 they fall on
  /// (values within 0.05 of it are borderline), as `CheckTolerance` describes: after hundreds of
  /// Adam steps at lr 1.0 the gates saturate at machine-dependent values.
  static let registerDecisionRules: Void = {
    for kind in ["chg.gates", "chg.scores", "chg.contrastive.gates"] { CheckTolerance.register(.decision(threshold: 0.5, margin: 0.05), forKind: kind) }
    // The loss curve is an optimisation trajectory: between OpenBLAS's SkylakeX and Prescott
    // kernels it drifts 1e-4 apart within 200 steps and then up to 0.013 apart (0.032 against
    // 0.019 at one G- step) while the labels agree, so only its shape is checked.
    CheckTolerance.register(.trajectory, forKind: "chg.loss")
  }()
}
