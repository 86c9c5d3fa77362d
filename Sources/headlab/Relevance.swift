import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab relevance`: per-head relevance to a task dataset, its relevance vector and optionally
/// the ordered-weakening curves.
struct Relevance: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Head relevance on a dataset: gradient importance, ablation, patching or AtP scores [L,NH].",
    discussion: "gradient: E|dM/dgate| (Michel et al. 2019), also normalised per layer. ablation: M(clean) - M(head zero-ablated). patching: denoising attn_head_out_all_pos minus the corrupted baseline. atp: its attribution-patching estimate. The relevance vector normalises the importances to mean 1 across heads (Park et al. 2025).")

  @OptionGroup var modelOptions: ModelOptions
  @OptionGroup var datasetOptions: DatasetOptions

  @Option(name: .long, help: "gradient (default), ablation, patching or atp.")
  var method: String = "gradient"

  @Option(name: .long, help: "Metric: logit_diff (default), logprob, prob, kl, loss.")
  var metric: String = "logit_diff"

  @Option(name: .long, help: "How negative scores count in the relevance vector: absolute (default) or positive (clipped at zero).")
  var clipping: String = "absolute"

  @Flag(name: .customLong("ordered-weakening"), help: "Also ablate heads most-relevant-first and least-relevant-first and report both metric curves.")
  var orderedWeakening = false

  @Flag(name: .customLong("per-prompt"), help: "Include every prompt's scores (per_prompt) in the JSON.")
  var perPrompt = false

  @Option(name: .long, help: "Run shard i/n of the dataset (0-based: $SLURM_ARRAY_TASK_ID/n, $JOB_COMPLETION_INDEX/n) and print only the scores, for headlab merge.")
  var shard: String?

  @OptionGroup var output: ResultOutput

  func run() throws {
    try reportingErrors {
      let method = try RelevanceMethod(named: self.method)
      guard let kind = Metric.Kind(rawValue: metric) else {
        throw AnalysisError.unknownName(kind: "metric", name: metric, known: Metric.Kind.allCases.map(\.rawValue))
      }
      guard let clip = HeadRelevance.Clipping(rawValue: clipping) else {
        throw AnalysisError.unknownName(kind: "clipping", name: clipping, known: HeadRelevance.Clipping.allCases.map(\.rawValue))
      }
      let loaded = try modelOptions.load()
      let subject = try loaded.subject(name: modelOptions.model)
      let dataset = try datasetOptions.build(loaded)
      let shardSpec = try shard.map { try ShardSpec(parsing: $0) }
      var batch = try dataset.batch(tokenText: subject.tokenText)
      if let shardSpec { batch = try batch.shard(shardSpec.index, of: shardSpec.count) }
      let groups = [batch]
      var results = try HeadRelevance.scores(method, subject: subject, groups: groups, metric: MetricChoice(kind), perPrompt: perPrompt)
      for i in results.indices { results[i].params["dataset"] = dataset.resultParams }
      if let shardSpec {
        try output.print(ShardSpec.mergeable(results, shard: shardSpec))
        return
      }
      let scores = results[0]
      results.append(try HeadRelevance.relevanceVector(scores, clipping: clip, concept: dataset.name))
      if orderedWeakening {
        var curves = try HeadRelevance.orderedWeakening(scores, subject: subject, groups: groups, metric: MetricChoice(kind))
        curves.params["dataset"] = dataset.resultParams
        results.append(curves)
      }
      try output.print(results)
    }
  }
}
