import CircuitAnalysis

/// Dataset-level commands (relevance, ablation over a dataset) and their shards: `shard=i/n`
/// runs part i of n of the dataset's prompts (`PromptPairBatch.shard`, whole blocks in order) and
/// returns only the results `headlab merge` combines.
extension Workbench {
  /// The dataset a command names, with its `count=` (default `defaultCount`), `seed=` and, for
  /// IOI, `order=` and `corruption=` where the command takes them.
  func namedDataset(_ a: CommandArguments, name: LineToken, defaultCount: Int) throws -> PromptDataset {
    let m = try loadedModel()
    let count = try a.reading { try a.option("count")?.integer(in: 1...100_000) } ?? defaultCount
    let seed = UInt64(try a.reading { try a.option("seed")?.integer(in: 0...Int.max) } ?? 0)
    let order = try a.reading { try a.option("order")?.choice(IOIDataset.Order.allCases.map(\.rawValue), noun: "IOI order") } ?? "mixed"
    let corruption = try a.reading { try a.option("corruption")?.choice(IOIDataset.Corruption.allCases.map(\.rawValue), noun: "IOI corruption") } ?? "abc"
    return try PromptDataset.named(name.text, count: count, seed: seed, ioiOrder: order, ioiCorruption: corruption, tokenizer: m.tokenizer)
  }

  /// The line's `shard=i/n`, else the workbench's `shard` (`headlab batch --shard`), else nil.
  func shardOption(_ a: CommandArguments) throws -> ShardSpec? {
    try a.reading { try a.option("shard")?.shard() } ?? shard
  }

  /// A dataset-level command's output: every result unsharded; for a shard only the results with
  /// per-prompt sums, marked with the shard (derived results such as a relevance vector are
  /// recomputed from the merged scores, not merged).
  func shardOutput(_ results: [AnalysisResult], shard: ShardSpec?) throws -> CommandOutput {
    guard let shard else { return .results(results) }
    let parts = ShardSpec.mergeable(results, shard: shard)
    guard !parts.isEmpty else {
      throw AnalysisError.emptyDataset("shard \(shard) holds a single prompt, too few for dataset statistics; use fewer shards or more prompts")
    }
    return .results(parts)
  }
}

extension PromptPairBatch {
  /// This shard of the batch, or the whole batch for nil.
  func sharded(_ spec: ShardSpec?) throws -> PromptPairBatch {
    guard let spec else { return self }
    return try shard(spec.index, of: spec.count)
  }
}
