import ArgumentParser
import CircuitAnalysis
import Foundation

/// `headlab patch` and `headlab atp`: one activation-patching sweep, or its attribution-patching
/// estimate, on a clean/corrupted prompt pair.
struct Patch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Activation patching sweep on a clean/corrupted pair (TransformerLens granularities).",
    discussion: "Sweeps: \(PatchingSweep.allCases.map(\.rawValue).joined(separator: ", ")).")

  @OptionGroup var modelOptions: ModelOptions
  @OptionGroup var pairOptions: PairOptions
  @OptionGroup var answerOptions: AnswerOptions
  @OptionGroup var sweepOptions: SweepOptions

  @Flag(name: .long, help: "Report (patched - corrupted)/(clean - corrupted) instead of the metric.")
  var normalise = false

  @OptionGroup var output: ResultOutput

  func run() throws {
    try reportingErrors {
      let (subject, pair) = try pairOptions.load(modelOptions, answerOptions)
      let result = try ActivationPatching.sweep(try sweepOptions.parsed(), subject: subject, pair: pair, metric: try answerOptions.choice(),
                                                direction: sweepOptions.direction, normalise: normalise)
      try output.print([result])
    }
  }
}

struct Attribution: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "atp",
    abstract: "Attribution patching: the first-order estimate of a patching sweep (two forward passes, one backward).",
    discussion: "Values are the estimated change of the metric. Sweeps: \(PatchingSweep.allCases.map(\.rawValue).joined(separator: ", ")).")

  @OptionGroup var modelOptions: ModelOptions
  @OptionGroup var pairOptions: PairOptions
  @OptionGroup var answerOptions: AnswerOptions
  @OptionGroup var sweepOptions: SweepOptions

  @Flag(name: .customLong("beside-patching"), help: "Also run the real patching sweep and show the estimate and the measured change side by side.")
  var besidePatching = false

  @OptionGroup var output: ResultOutput

  func run() throws {
    try reportingErrors {
      let (subject, pair) = try pairOptions.load(modelOptions, answerOptions)
      let (sweep, direction) = (try sweepOptions.parsed(), sweepOptions.direction)
      let result = besidePatching
        ? try AttributionPatching.besidePatching(sweep, subject: subject, pair: pair, metric: try answerOptions.choice(), direction: direction)
        : try AttributionPatching.sweep(sweep, subject: subject, pair: pair, metric: try answerOptions.choice(), direction: direction)
      try output.print([result])
    }
  }
}

/// `--sweep` and `--noising`.
struct SweepOptions: ParsableArguments {
  @Option(name: .long, help: "The sweep, e.g. attn_head_out_all_pos.")
  var sweep: String

  @Flag(name: .long, help: "Noising: run the clean prompt and patch in corrupted activations (default: denoising, the reverse).")
  var noising = false

  func parsed() throws -> PatchingSweep { try PatchingSweep(named: sweep) }
  var direction: PatchDirection { noising ? .noising : .denoising }
}

/// `--clean` and `--corrupted`, tokenised with BOS like `forward`.
struct PairOptions: ParsableArguments {
  @Option(name: .long, help: "The clean prompt.")
  var clean: String

  @Option(name: .long, help: "The corrupted prompt (must align token by token with the clean one).")
  var corrupted: String

  func load(_ modelOptions: ModelOptions, _ answers: AnswerOptions) throws -> (AnalysisSubject, PromptPairBatch) {
    let loaded = try modelOptions.load()
    let subject = try loaded.subject(name: modelOptions.model)
    let pair = try PromptPairBatch(
      clean: try loaded.tokens(clean, prependBOS: true), corrupted: try loaded.tokens(corrupted, prependBOS: true),
      answer: try loaded.singleToken(answers.answer, role: "answer"), wrong: try loaded.singleToken(answers.wrong, role: "wrong token"),
      tokenText: subject.tokenText)
    _ = try subject.model.validate(tokens: pair.clean)
    return (subject, pair)
  }
}
