import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab patch` and `headlab atp`: one activation-patching sweep, or its attribution-patching
/// estimate, on a clean/corrupted prompt pair (the catalog's `patch` and `atp`).
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
      let patch = try ParsedLine.building("patch", [sweepOptions.sweep], options: ["noising": yes(sweepOptions.noising), "normalise": yes(normalise)])
      try FrontEnd.run(try modelOptions.lines() + pairOptions.lines() + answerOptions.lines() + [patch], output: output)
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
      let atp = try ParsedLine.building("atp", [sweepOptions.sweep], options: ["noising": yes(sweepOptions.noising), "beside": yes(besidePatching)])
      try FrontEnd.run(try modelOptions.lines() + pairOptions.lines() + answerOptions.lines() + [atp], output: output)
    }
  }
}

/// `--sweep` and `--noising`.
struct SweepOptions: ParsableArguments {
  @Option(name: .long, help: "The sweep, e.g. attn_head_out_all_pos.")
  var sweep: String

  @Flag(name: .long, help: "Noising: run the clean prompt and patch in corrupted activations (default: denoising, the reverse).")
  var noising = false
}

/// `--clean` and `--corrupted`, tokenised with BOS like `forward`: the catalog's `pair`.
struct PairOptions: ParsableArguments {
  @Option(name: .long, help: "The clean prompt.")
  var clean: String

  @Option(name: .long, help: "The corrupted prompt (must align token by token with the clean one).")
  var corrupted: String

  func lines() throws -> [ParsedLine] {
    [try .building("pair", options: ["clean": clean, "corrupted": corrupted])]
  }
}
