import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab successor`: the successor-head report (the catalog's `successor`).
struct Successor: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Successor-head report: succession scores [task, L, NH], the best head, its ablation on successor prompts, and the mod-10 probe.",
    discussion: "Gould et al. 2024 (arXiv 2312.09230). Scores: effective OV logits MLP0(W_E) W_OV W_U, argmax over each task's tokens. Ablation: zero and mean ablation of the best head's z on successor prompts (top-1 accuracy, logit difference). Mod-10: a ridge probe of index mod 10 on MLP0 outputs of numbers, number words, ordinals and months, held out by decade, beside shuffled labels.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "Successor prompts to ablate on.")
  var count: Int = 100

  @Option(name: .long, help: "Seed of the prompts and the label shuffles.")
  var seed: UInt64 = 0

  @Option(name: .long, help: "Label shuffles the probe is also trained on.")
  var shuffles: Int = 20

  @Option(name: .long, help: "The probe's ridge strength (times the mean eigenvalue of the features' Gram matrix).")
  var alpha: Double = 0.1

  @Flag(name: .customLong("adding-embedding"), help: "Use MLP0(W_E) + W_E (the residual stream) instead of the MLP0 output alone.")
  var addingEmbedding = false

  @OptionGroup var output: ResultOutput

  func validate() throws {
    if count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
    if shuffles < 1 { throw ValidationError("--shuffles must be at least 1, got \(shuffles)") }
    if !(alpha > 0) { throw ValidationError("--alpha must be positive, got \(alpha)") }
  }

  func run() throws {
    try reportingErrors {
      let line = try ParsedLine.building("successor", [], options: [
        "count": String(count), "seed": String(seed), "shuffles": String(shuffles), "alpha": String(alpha), "embedding": yes(addingEmbedding),
      ])
      try FrontEnd.run(try modelOptions.lines() + [line], output: output)
    }
  }
}
