import ArgumentParser
import Foundation
import TransformerEngine

/// The default command: on a terminal the workbench; otherwise (a pipe, a script, a test) the
/// model's summary and a greedy completion of the prompt.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Open a model: the workbench on a terminal, else its summary and a greedy completion.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "Prompt to complete.")
  var prompt: String = "When Mary and John went to the store, John gave a drink to"

  @Option(name: .long, help: "Tokens to generate.")
  var tokens: Int = 12

  func validate() throws {
    if tokens < 0 { throw ValidationError("--tokens must be 0 or more, got \(tokens)") }
  }

  @Option(name: .long, help: "The workbench's theme: dark, light, mono, or a theme file.")
  var theme = "dark"

  func run() throws {
    try reportingErrors {
      if isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 {
        if let threads = modelOptions.threads { BLAS.threadCount = threads }
        try WorkbenchLauncher.open(model: modelOptions.model ?? "default", session: nil, theme: theme, prompt: prompt)
        return
      }
      let loaded = try modelOptions.load()
      print(ModelSummary.text(loaded))
      let ids = try loaded.tokens(prompt, prependBOS: true)
      let generated = try Generation.greedy(loaded.model, prompt: ids, count: tokens)
      print("\nprompt      \(quoted(prompt))")
      print("completion  \(quoted(loaded.tokenizer.decode(generated)))")
    }
  }
}
