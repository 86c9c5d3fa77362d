import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab relevance`: per-head relevance to a task dataset, its relevance vector and optionally
/// the ordered-weakening curves (the catalog's `relevance`).
struct Relevance: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Head relevance on a dataset: gradient importance, ablation, patching or AtP scores [L,NH].",
    discussion: "gradient: E|dM/dgate| (Michel et al. 2019), also normalised per layer. ablation: M(clean) - M(head zero-ablated). patching: denoising attn_head_out_all_pos minus the corrupted baseline. atp: its attribution-patching estimate. The relevance vector normalises the importances to mean 1 across heads (Park et al. 2025).")

  @OptionGroup var modelOptions: ModelOptions

  @OptionGroup var datasetOptions: DatasetOptions

  @Option(name: .long, help: "gradient (default), ablation, patching or atp.")
  var method: String = "gradient"

  @OptionGroup var metricOptions: MetricOptions

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
      let relevance = try ParsedLine.building("relevance", [datasetOptions.dataset], orderedOptions: [("method", method)] + datasetOptions.options(defaultCount: 100) + [
        ("clipping", clipping), ("weakening", yes(orderedWeakening)), ("prompts", yes(perPrompt)), ("shard", shard),
      ])
      try FrontEnd.run(try modelOptions.lines() + metricOptions.lines() + [relevance], output: output)
    }
  }
}
