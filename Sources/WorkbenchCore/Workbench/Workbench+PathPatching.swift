import CircuitAnalysis
import Foundation

/// The `pathpatch` and `ioi` commands: path patching (Wang et al. 2023) to the logits or to
/// receiver heads' q/k/v inputs, and the IOI circuit report.
extension Workbench {
  /// `pathpatch [DATASET] receivers=SPEC [senders=HEADS] [normalisation=relative|none]`: on a
  /// dataset's pairs (IOI: clean p_IOI, corrupted p_ABC), or on the pair without one.
  func pathPatch(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    guard let receiverToken = a.option("receivers") else { throw a.missing("receivers=logits or receivers=L.H:q|k|v,...") }
    let receivers = try a.reading {
      do { return try PathReceivers(parsing: receiverToken.text) } catch { throw receiverToken.error("\(error)") }
    }
    let senders = try a.reading { try a.option("senders")?.headPattern().resolve(layers: m.subject.layers, heads: m.subject.heads) }
    let normalisation = try a.reading {
      try a.option("normalisation")?.choice(PathPatching.Normalisation.allCases.map(\.rawValue), noun: "normalisation")
    }.flatMap(PathPatching.Normalisation.init(rawValue:)) ?? .relative
    let groups: [PromptPairBatch]
    var datasetParams: JSONValue?
    if let name = a.positional(0) {
      let dataset = try namedDataset(a, name: name, defaultCount: 32)
      groups = [try dataset.batch(tokenText: m.subject.tokenText)]
      datasetParams = dataset.resultParams
    } else {
      groups = [try pairBatch(a).1]
    }
    var result = try PathPatching.run(subject: m.subject, groups: groups, receivers: receivers, senders: senders, metric: metric,
                                      normalisation: normalisation, progress: progress)
    if let datasetParams { result.params["dataset"] = datasetParams }
    return .results([result])
  }

  /// `ioi [COUNT] [SEED]`: the IOI circuit report on COUNT (default 64) IOI prompts.
  func ioiReport(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    var settings = IOIReport.Settings()
    settings.count = try a.reading { try a.positional(0)?.integer(in: 1...100_000) } ?? settings.count
    settings.seed = UInt64(try a.reading { try a.positional(1)?.integer(in: 0...Int.max) } ?? 0)
    return .results(try IOIReport.run(subject: m.subject, tokenizer: m.tokenizer, settings: settings, progress: progress))
  }
}
