import ArgumentParser
import CircuitAnalysis
import Foundation

/// `headlab ablate`: knock out heads on a prompt and measure the metric.
struct Ablate: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Head ablation (zero, mean or resample) on a prompt: each head in turn, or a set of heads.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "The prompt.")
  var prompt: String

  @OptionGroup var answerOptions: AnswerOptions

  @Flag(name: .customLong("each-head"), help: "Ablate each head in turn: a layer x head grid.")
  var eachHead = false

  @Option(name: .long, help: "Heads to ablate together, e.g. 1.2,3.0.")
  var heads: String?

  @Option(name: .long, help: "zero (default), mean or resample.")
  var mode: String = "zero"

  @Option(name: .long, help: "Reference prompts for mean/resample: ioi, successor, induction (their corrupted prompts, e.g. IOI's p_ABC) or a JSONL file; only prompts of the same length are used.")
  var reference: String?

  @Option(name: .customLong("reference-count"), help: "Prompts in a built-in reference dataset.")
  var referenceCount: Int = 200

  @Option(name: .long, help: "Seed of the reference dataset and of resampling.")
  var seed: UInt64 = 0

  @Option(name: .long, help: "Ablate only at these positions (comma-separated indices; default all).")
  var positions: String?

  @OptionGroup var output: ResultOutput

  func validate() throws {
    if eachHead == (heads != nil) { throw ValidationError("give exactly one of --each-head and --heads") }
    if !["zero", "mean", "resample"].contains(mode) { throw ValidationError("--mode must be zero, mean or resample, got '\(mode)'") }
    if mode != "zero" && reference == nil { throw ValidationError("--mode \(mode) needs --reference DATASET|FILE") }
  }

  func run() throws {
    try reportingErrors {
      let loaded = try modelOptions.load()
      let subject = try loaded.subject(name: modelOptions.model)
      let ids = try loaded.tokens(prompt, prependBOS: true)
      _ = try subject.model.validate(tokens: [ids])
      let group = try PromptPairBatch(clean: ids, corrupted: ids, answer: try loaded.singleToken(answerOptions.answer, role: "answer"),
                                      wrong: try loaded.singleToken(answerOptions.wrong, role: "wrong token"), tokenText: subject.tokenText)
      let ablation = try ablationMode(loaded)
      let at = try positions.map { text in
        try text.split(separator: ",").map { part -> Int in
          guard let p = Int(part.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--positions must be integers, got '\(text)'") }
          return p
        }
      }
      let metric = try answerOptions.choice()
      var result = eachHead
        ? try HeadAblation.eachHead(subject: subject, groups: [group], metric: metric, mode: ablation, positions: at)
        : try HeadAblation.heads(try parseHeads(heads!), subject: subject, groups: [group], metric: metric, mode: ablation, positions: at)
      if let reference { result.params["reference_dataset"] = ["name": .string(reference), "count": .integer(referenceCount), "seed": .integer(Int(seed))] }
      try output.print([result])
    }
  }

  func ablationMode(_ loaded: LoadedModel) throws -> AblationMode {
    guard mode != "zero", let reference else { return .zero }
    let dataset = try DatasetOptions.build(reference, count: referenceCount, seed: seed, loaded: loaded)
    let ref = try dataset.ablationReference()
    return mode == "mean" ? .mean(ref) : .resample(ref, seed: seed)
  }
}
