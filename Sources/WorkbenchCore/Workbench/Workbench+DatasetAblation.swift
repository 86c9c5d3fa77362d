import CircuitAnalysis

/// `ablate each|HEADS dataset=NAME`: head ablation over a dataset's clean prompts instead of the
/// workbench's prompt, each prompt with its own answer and wrong token; a dataset-level result
/// (mean over prompts, `stderr`, `count`, Float64 `sums`) that shards with `shard=i/n` and merges
/// with `headlab merge`.
///
/// Mean and resample ablation take their reference distribution from the whole dataset (by
/// default its corrupted prompts, for IOI p_ABC, per template and position as Wang et al. 2022
/// section 3 prescribe), built before the prompts are sharded; the means are computed once from
/// all of it (`AblationMeans`). Every shard ablates with the statistics of the whole dataset,
/// never of its own part, so the merged shards equal the single run.
extension Workbench {
  /// The dataset-level ablation when the line gives `dataset=`; nil for ablation on the prompt
  /// (which takes no `shard=`).
  func datasetAblationIfAsked(_ a: CommandArguments) throws -> CommandOutput? {
    guard let dataset = a.option("dataset") else {
      if let shard = a.option("shard") { throw shard.error("shard= splits a dataset's prompts: give dataset=NAME too").withUsage(a.spec.usage) }
      return nil
    }
    return try datasetAblation(a, dataset: dataset)
  }

  func datasetAblation(_ a: CommandArguments, dataset name: LineToken) throws -> CommandOutput {
    let m = try loadedModel()
    let modeName = try a.reading { try a.option("mode")?.choice(["zero", "mean", "resample"], noun: "ablation mode") } ?? "zero"
    let seed = UInt64(try a.reading { try a.option("seed")?.integer(in: 0...Int.max) } ?? 0)
    let dataset = try namedDataset(a, name: name, defaultCount: 100)
    let reference = try a.option("reference").map { try namedDataset(a, name: $0, defaultCount: 100) } ?? dataset
    let mode = try Self.ablationMode(modeName, reference: reference, seed: seed, subject: m.subject)
    let shard = try shardOption(a)
    let group = try dataset.batch(tokenText: m.subject.tokenText).sharded(shard)
    let positions = try a.reading { try a.option("positions")?.positionList().resolve(count: group.length) }
    let target = a.positional(0)!
    var result: AnalysisResult
    if target.text == "each" {
      result = try HeadAblation.eachHead(subject: m.subject, groups: [group], metric: metric, mode: mode, positions: positions, progress: progress)
    } else {
      let heads = try a.reading { try target.headPattern().resolve(layers: m.subject.layers, heads: m.subject.heads) }
      result = try HeadAblation.heads(heads, subject: m.subject, groups: [group], metric: metric, mode: mode, positions: positions, progress: progress)
    }
    result.params["dataset"] = dataset.resultParams
    return try shardOutput([result], shard: shard)
  }

  /// The ablation mode over a whole reference dataset (its corrupted prompts); for mean ablation
  /// with the means computed now, once, from all of it.
  static func ablationMode(_ name: String, reference: PromptDataset, seed: UInt64, subject: AnalysisSubject) throws -> AblationMode {
    switch name {
    case "mean": return .mean(try reference.ablationReference().computingMeans(subject: subject))
    case "resample": return .resample(try reference.ablationReference(), seed: seed)
    default: return .zero
    }
  }
}
