import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab lens`: the logit lens over the accumulated residual stream (the catalog's `lens`).
struct Lens: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Logit lens: each layer's residual stream through ln_final and the unembedding (answer rank, probability, logit; top-k tokens).")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "The prompt.")
  var prompt: String

  @Option(name: .long, help: "A single token whose logit, probability and rank to follow, e.g. \" Mary\".")
  var answer: String?

  @Option(name: .long, help: "The position to read (default: the last).")
  var position: Int?

  @Option(name: .customLong("top-k"), help: "Tokens to list per layer.")
  var topK: Int = 5

  @OptionGroup var output: ResultOutput

  func run() throws {
    try reportingErrors {
      // The lens follows the answer alone; `answer` takes a wrong token too, which it ignores.
      let answerLines = try answer.map { [try ParsedLine.building("answer", [$0, $0])] } ?? []
      let lens = try ParsedLine.building("lens", options: ["top": String(topK), "position": position.map(String.init)])
      try FrontEnd.run(try modelOptions.lines() + [try .building("prompt", [prompt])] + answerLines + [lens], output: output)
    }
  }
}

/// `headlab dla`: direct logit attribution of every component to a logit difference (the
/// catalog's `dla`).
struct DirectAttribution: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dla",
    abstract: "Direct logit attribution: each component's share of logit(answer) - logit(wrong), with ln_final's scale frozen from the run.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "The prompt.")
  var prompt: String

  @Option(name: .long, help: "The correct token, e.g. \" Mary\".")
  var answer: String

  @Option(name: .long, help: "The wrong token, e.g. \" John\".")
  var wrong: String

  @Option(name: .long, help: "The position to read (default: the last).")
  var position: Int?

  @OptionGroup var output: ResultOutput

  func run() throws {
    try reportingErrors {
      let lines = [try ParsedLine.building("prompt", [prompt]), try .building("answer", [answer, wrong]),
                   try .building("dla", options: ["position": position.map(String.init)])]
      try FrontEnd.run(try modelOptions.lines() + lines, output: output)
    }
  }
}
