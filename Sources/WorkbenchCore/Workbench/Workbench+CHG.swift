import CircuitAnalysis
import Foundation

/// The `chg` command: causal head gating (Nam et al. 2025, arXiv 2505.13737) on a named dataset's
/// clean prompts, the answer token as target.
extension Workbench {
  func causalHeadGating(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    var settings = CHGSettings()
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
    var results = try CausalHeadGating.run(subject: m.subject, groups: groups, settings: settings, progress: progress)
    for i in results.indices { results[i].params["dataset"] = dataset.resultParams }
    return .results(results)
  }

  /// `--check` compares causal head gating's gates and scores by the side of 0.5 they fall on
  /// (values within 0.05 of it are borderline), as `CheckTolerance` describes: after hundreds of
  /// Adam steps at lr 1.0 the gates saturate at machine-dependent values.
  static let registerDecisionRules: Void = {
    for kind in ["chg.gates", "chg.scores"] { CheckTolerance.register(.decision(threshold: 0.5, margin: 0.05), forKind: kind) }
  }()
}
