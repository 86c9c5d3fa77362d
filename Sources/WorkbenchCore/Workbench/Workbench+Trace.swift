import CircuitAnalysis
import Foundation

/// The `trace` command: a circuit traced on a named dataset's prompts by edge attribution
/// patching (EAP, Syed, Rager & Conmy 2023; EAP-IG, Hanna et al. 2024), with its faithfulness
/// under mean ablation over the dataset's corrupted prompts (`CircuitTrace`). The workbench's
/// metric (`metric`) is the metric traced; the active interventions are ignored.
extension Workbench {
  func trace(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    var settings = CircuitTrace.Settings()
    let method = try a.reading { try a.option("method")?.choice(CircuitTrace.Method.allCases.map(\.rawValue) + ["acdc"], noun: "tracing method") }
    if method == "acdc" { return try traceACDC(a, model: m) }
    if let tau = a.option("tau") { throw tau.error("tau= is ACDC's threshold: add method=acdc").withUsage(a.spec.usage) }
    settings.method = method.flatMap(CircuitTrace.Method.init(rawValue:)) ?? .eap
    settings.steps = try a.reading { try a.option("steps")?.integer(in: 1...1000) } ?? settings.steps
    settings.splitQKV = try a.reading { try a.option("split")?.boolean() } ?? false
    settings.keep = try a.reading { try a.option("keep")?.integer(in: 0...Int.max) }
    if let threshold = a.option("threshold") {
      let value = try a.reading { try threshold.float() }
      guard value >= 0 else { throw threshold.error("the threshold is compared with |score|: give a value >= 0, got \(threshold.text)") }
      settings.threshold = value
    }
    if let target = a.option("target") {
      let value = try a.reading { try target.float() }
      guard value > 0, value <= 1 else { throw target.error("the faithfulness target must be in (0, 1], got \(target.text)") }
      guard settings.keep == nil, settings.threshold == nil else { throw target.error("give target= or keep=/threshold=, not both") }
      settings.target = value
    }
    settings.metric = metric
    let dataset = try namedDataset(a, name: a.positional(0)!, defaultCount: 32)
    let batch = try dataset.batch(tokenText: m.subject.tokenText)
    var result = try CircuitTrace.run(subject: m.subject, batch: batch, reference: try dataset.ablationReference(), settings: settings, progress: progress)
    result.params["dataset"] = dataset.resultParams
    return .results([result])
  }

  /// `trace DATASET method=acdc tau=T [absolute=yes] [split=yes]`: ACDC pruning (`ACDCTrace`) with
  /// the workbench's metric (kl for ACDC's default distance).
  func traceACDC(_ a: CommandArguments, model m: WorkbenchModel) throws -> CommandOutput {
    for name in ["keep", "threshold", "target", "steps"] {
      if let option = a.option(name) { throw option.error("\(name)= belongs to eap and eap-ig; ACDC keeps what its threshold tau= decides").withUsage(a.spec.usage) }
    }
    guard let tauOption = a.option("tau") else { throw a.line.error("ACDC needs its threshold: tau=T (e.g. tau=0.05)").withUsage(a.spec.usage) }
    let tau = try a.reading { try tauOption.float() }
    guard tau >= 0 else { throw tauOption.error("tau must be >= 0, got \(tauOption.text)") }
    let absolute = try a.reading { try a.option("absolute")?.boolean() } ?? false
    let split = try a.reading { try a.option("split")?.boolean() } ?? false
    let dataset = try namedDataset(a, name: a.positional(0)!, defaultCount: 32)
    let batch = try dataset.batch(tokenText: m.subject.tokenText)
    var result = try ACDCTrace.run(subject: m.subject, batch: batch, reference: try dataset.ablationReference(), tau: tau, absolute: absolute,
                                   splitQKV: split, metric: metric, progress: progress)
    result.params["dataset"] = dataset.resultParams
    return .results([result])
  }
}
