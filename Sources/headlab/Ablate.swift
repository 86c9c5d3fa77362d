import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab ablate`: knock out heads on a prompt, or over a dataset's prompts, and measure the
/// metric (the catalog's `ablate`).
struct Ablate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Head ablation (zero, mean or resample) on a prompt or over a dataset: each head in turn, or a set of heads.",
    discussion: "Over a dataset (--dataset), mean and resample ablation take the whole dataset's corrupted prompts as the reference, also in a shard (--shard i/n, merged with headlab merge).")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "The prompt (or give --dataset).")
  var prompt: String?

  @Option(name: .long, help: "The correct answer token on the prompt, e.g. \" Mary\".")
  var answer: String?

  @Option(name: .long, help: "The wrong token the logit difference is taken against on the prompt, e.g. \" John\".")
  var wrong: String?

  @OptionGroup var metricOptions: MetricOptions

  @Option(name: .long, help: "Ablate over this dataset's clean prompts instead of a prompt: ioi, successor, induction or a JSONL file.")
  var dataset: String?

  @Option(name: .long, help: "Prompts in the built-in --dataset.")
  var count: Int = 100

  @Option(name: .long, help: "Run shard i/n of the --dataset (0-based: $SLURM_ARRAY_TASK_ID/n, $JOB_COMPLETION_INDEX/n), for headlab merge.")
  var shard: String?

  @Flag(name: .customLong("each-head"), help: "Ablate each head in turn: a layer x head grid.")
  var eachHead = false

  @Option(name: .long, help: "Heads to ablate together, e.g. 1.2,3.0 or 2.*.")
  var heads: String?

  @Option(name: .long, help: "zero (default), mean or resample.")
  var mode: String = "zero"

  @Option(name: .long, help: "Reference prompts for mean/resample: ioi, successor, induction (their corrupted prompts, e.g. IOI's p_ABC) or a JSONL file; only prompts of the same length are used. With --dataset, default: the dataset itself.")
  var reference: String?

  @Option(name: .customLong("reference-count"), help: "Prompts in a built-in reference dataset.")
  var referenceCount: Int = 200

  @Option(name: .long, help: "Seed of the datasets and of resampling.")
  var seed: UInt64 = 0

  @Option(name: .long, help: "Ablate only at these positions (comma-separated indices; default all).")
  var positions: String?

  @OptionGroup var output: ResultOutput

  func validate() throws {
    if eachHead == (heads != nil) { throw ValidationError("give exactly one of --each-head and --heads") }
    if (prompt == nil) == (dataset == nil) { throw ValidationError("give exactly one of --prompt and --dataset") }
    if prompt != nil && (answer == nil || wrong == nil) { throw ValidationError("--prompt needs --answer and --wrong") }
    if dataset != nil && (answer != nil || wrong != nil) { throw ValidationError("--dataset brings its own answers: leave out --answer and --wrong") }
    if dataset == nil && shard != nil { throw ValidationError("--shard splits a --dataset") }
    if !["zero", "mean", "resample"].contains(mode) { throw ValidationError("--mode must be zero, mean or resample, got '\(mode)'") }
    if mode != "zero" && reference == nil && dataset == nil { throw ValidationError("--mode \(mode) needs --reference DATASET|FILE") }
    if count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
  }

  func run() throws {
    try reportingErrors {
      var inputs = try metricOptions.lines()
      if let prompt, let answer, let wrong { inputs = [try .building("prompt", [prompt]), try .building("answer", [answer, wrong])] + inputs }
      // On a prompt, count= sizes the reference dataset; over a dataset, the dataset (and a
      // built-in reference made with it).
      let count = dataset == nil ? (reference == nil ? nil : String(referenceCount)) : String(self.count)
      let ablate = try ParsedLine.building("ablate", [eachHead ? "each" : heads!], options: [
        "dataset": dataset, "mode": mode, "reference": reference, "count": count, "seed": String(seed),
        "positions": positions, "shard": shard,
      ])
      try FrontEnd.run(try modelOptions.lines() + inputs + [ablate], output: output)
    }
  }
}
