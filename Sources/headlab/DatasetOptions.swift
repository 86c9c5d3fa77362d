import ArgumentParser

/// `--dataset`, `--count`, `--seed`, `--ioi-order`, `--ioi-corruption`: the catalog's
/// `DATASET count= seed= order= corruption=` of the dataset-level commands.
struct DatasetOptions: ParsableArguments {
  @Option(name: .long, help: "ioi, successor, induction, or a JSONL file of {\"clean\", \"corrupted\", \"answer\", \"wrong\"} lines.")
  var dataset: String

  @Option(name: .long, help: "Prompts to generate (built-in datasets; the command's default when not given).")
  var count: Int?

  @Option(name: .long, help: "Seed of the built-in datasets.")
  var seed: UInt64 = 0

  @Option(name: .customLong("ioi-order"), help: "IOI name order: abba, baba or mixed.")
  var ioiOrder: String = "mixed"

  @Option(name: .customLong("ioi-corruption"), help: "IOI corrupted prompts: abc (three fresh names) or swap (IO and S exchanged).")
  var ioiCorruption: String = "abc"

  func validate() throws {
    if let count, count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
  }

  /// The line's dataset options, with `defaultCount` prompts unless --count is given.
  func options(defaultCount: Int) -> [(String, String?)] {
    [("count", String(count ?? defaultCount)), ("seed", String(seed)), ("order", ioiOrder), ("corruption", ioiCorruption)]
  }
}
