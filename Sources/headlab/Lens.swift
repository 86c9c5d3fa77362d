import ArgumentParser
import CircuitAnalysis
import Foundation

/// `headlab lens`: the logit lens over the accumulated residual stream.
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
      let loaded = try modelOptions.load()
      let subject = try loaded.subject(name: modelOptions.model)
      let ids = try loaded.tokens(prompt, prependBOS: true)
      let answerID = try answer.map { try loaded.singleToken($0, role: "answer") }
      try output.print(try LogitLens.run(subject, tokens: ids, answer: answerID, position: position, topK: topK))
    }
  }
}

/// `headlab dla`: direct logit attribution of every component to a logit difference.
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
      let loaded = try modelOptions.load()
      let subject = try loaded.subject(name: modelOptions.model)
      let ids = try loaded.tokens(prompt, prependBOS: true)
      try output.print(try DirectLogitAttribution.run(
        subject, tokens: ids, answer: try loaded.singleToken(answer, role: "answer"), wrong: try loaded.singleToken(wrong, role: "wrong token"),
        position: position))
    }
  }
}
