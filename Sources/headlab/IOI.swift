import ArgumentParser
import WorkbenchCore

/// `headlab ioi`: the IOI circuit report (the catalog's `ioi`).
struct IOI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ioi",
    abstract: "The IOI circuit report: heads classified into Wang et al.'s classes, with the circuit's faithfulness, completeness and minimality.",
    discussion: "Name movers: DLA at END >= 10% of the logit difference, attention END -> IO >= 0.3, copy score >= 0.5; upstream classes by path patching to the name movers' queries, the S-inhibition heads' values and the induction heads' keys. Every threshold is in the results' params.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "IOI prompts to generate.")
  var count: Int = 64

  @Option(name: .long, help: "Seed of the dataset and of the random subsets of the circuit checks.")
  var seed: UInt64 = 0

  @OptionGroup var circuitExport: CircuitExportOptions

  @OptionGroup var output: ResultOutput

  func validate() throws {
    if count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
  }

  func run() throws {
    try reportingErrors {
      let ioi = try ParsedLine.building("ioi", [String(count), String(seed)], options: [:])
      try FrontEnd.run(try modelOptions.lines() + [ioi] + circuitExport.lines(), output: output)
    }
  }
}
