import ArgumentParser
import Foundation
import WorkbenchTUI

/// `headlab bench tui`: the workbench's keystroke-to-frame latency on an in-memory terminal.
struct BenchTUI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tui", abstract: "Time keystroke-to-frame latency of the workbench (median and p95) on an in-memory terminal.")

  @Option(name: .long, help: "The model: `default`, a directory, or a name in the offline Hugging Face cache.")
  var model = "default"

  @Option(name: .long, help: "Prompt characters to type (at 5 a second).")
  var characters = 40

  func run() throws {
    try reportingErrors {
      print("bench tui: model \(model), 120x40 in-memory terminal, commands on the background worker")
      let theme = Theme(name: "bench", colors: 256, styles: [:])
      _ = try TUIBenchmark.run(model: model, characters: characters, theme: theme) { print($0) }
    }
  }
}
