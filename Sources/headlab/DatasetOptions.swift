import ArgumentParser
import CircuitAnalysis
import Foundation

/// `--dataset`, `--count`, `--seed` (and the IOI options): a built-in dataset or a JSONL file of
/// {"clean", "corrupted", "answer", "wrong"} objects.
struct DatasetOptions: ParsableArguments {
  @Option(name: .long, help: "ioi, successor, induction, or a JSONL file of {\"clean\", \"corrupted\", \"answer\", \"wrong\"} lines.")
  var dataset: String

  @Option(name: .long, help: "Prompts to generate (built-in datasets).")
  var count: Int = 100

  @Option(name: .long, help: "Seed of the built-in datasets.")
  var seed: UInt64 = 0

  @Option(name: .customLong("ioi-order"), help: "IOI name order: abba, baba or mixed.")
  var ioiOrder: String = "mixed"

  @Option(name: .customLong("ioi-corruption"), help: "IOI corrupted prompts: abc (three fresh names) or swap (IO and S exchanged).")
  var ioiCorruption: String = "abc"

  func validate() throws {
    if count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
  }

  func build(_ loaded: LoadedModel) throws -> PromptDataset {
    try Self.build(dataset, count: count, seed: seed, order: ioiOrder, corruption: ioiCorruption, loaded: loaded)
  }

  static func build(_ name: String, count: Int, seed: UInt64, order: String = "mixed", corruption: String = "abc", loaded: LoadedModel) throws -> PromptDataset {
    try PromptDataset.named(name, count: count, seed: seed, ioiOrder: order, ioiCorruption: corruption, tokenizer: loaded.tokenizer)
  }
}
