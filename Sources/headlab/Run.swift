import ArgumentParser
import Foundation
import TransformerEngine

/// The default command. Until the workbench screen exists it prints the model summary and a
/// greedy completion of a prompt.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Open a model: print its summary and a greedy completion.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "Prompt to complete.")
  var prompt: String = "When Mary and John went to the store, John gave a drink to"

  @Option(name: .long, help: "Tokens to generate.")
  var tokens: Int = 12

  func validate() throws {
    if tokens < 0 { throw ValidationError("--tokens must be 0 or more, got \(tokens)") }
  }

  func run() throws {
    try reportingErrors {
      let loaded = try modelOptions.load()
      print(ModelSummary.text(loaded))
      let ids = try loaded.tokens(prompt, prependBOS: true)
      let generated = try Generation.greedy(loaded.model, prompt: ids, count: tokens)
      print("\nprompt      \(quoted(prompt))")
      print("completion  \(quoted(loaded.tokenizer.decode(generated)))")
    }
  }
}
