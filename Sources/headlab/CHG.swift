import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab chg`: causal head gating on a dataset (the catalog's `chg`).
struct CHG: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chg",
    abstract: "Causal head gating: per-head facilitation, interference and irrelevance, labels, and the metric with only the facilitating heads kept.",
    discussion: "Nam et al. 2025 (arXiv 2505.13737). Gates G = sigmoid(theta) on every head's z, the model frozen, fitted to the dataset's answers with loss = NLL - lambda * mean(clamp(theta, -4, 4)) in three stages (lambda 0, then G+ with +lambda and G- with -lambda); facilitation = G-, interference = 1 - G+, irrelevance = G+ - G-. With --negative, contrastive CHG: keep the dataset's answers, remove the negative dataset's.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "ioi, successor, induction, or a JSONL file of {\"clean\", \"corrupted\", \"answer\", \"wrong\"} lines.")
  var dataset: String

  @Option(name: .long, help: "A second dataset for contrastive CHG: its answers are to be removed.")
  var negative: String?

  @Option(name: .long, help: "Prompts to generate (built-in datasets).")
  var count: Int?

  @Option(name: .long, help: "Random restarts, fitted together on the batch axis.")
  var restarts: Int?

  @Option(name: .long, help: "Updates per stage (the paper's default: 500).")
  var updates: Int?

  @Option(name: .long, help: "Adam's learning rate.")
  var lr: Double?

  @Option(name: .long, help: "The regularisation strength lambda.")
  var lambda: Double?

  @Option(name: .long, help: "Seed of the prompts, the start and the minibatches.")
  var seed: UInt64 = 0

  @OptionGroup var output: ResultOutput

  func validate() throws {
    for (name, value) in [("--count", count), ("--restarts", restarts), ("--updates", updates)] {
      if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
    }
    if let lr, !(lr > 0) { throw ValidationError("--lr must be positive, got \(lr)") }
  }

  func run() throws {
    try reportingErrors {
      let line = try ParsedLine.building("chg", [dataset], orderedOptions: [
        ("negative", negative), ("count", count.map(String.init)), ("restarts", restarts.map(String.init)), ("steps", updates.map(String.init)),
        ("lr", lr.map { String($0) }), ("lambda", lambda.map { String($0) }), ("seed", String(seed)),
      ])
      try FrontEnd.run(try modelOptions.lines() + [line], output: output)
    }
  }
}
