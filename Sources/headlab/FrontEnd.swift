import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// The analysis subcommands are front ends to the workbench's catalog: each turns its flags into
/// catalog lines (the model, the inputs, then the analysis), runs them through the one executor
/// `Workbench.execute` with a progress bar on a terminal's stderr, and prints the last line's
/// results.
enum FrontEnd {
  static func run(_ lines: [ParsedLine], output: ResultOutput) throws {
    let workbench = Workbench()
    let bar = TerminalProgress.onStandardError()
    var results: [AnalysisResult] = []
    for line in lines {
      defer { bar?.finish() }
      do {
        if case .results(let list) = try workbench.execute(line, progress: bar?.progress ?? .none) { results = list }
      } catch let error as CommandParseError {
        // The flags were written on the command line, not in this generated line: its column and
        // the catalog's usage would point nowhere the user typed.
        throw ValidationError(error.message)
      }
    }
    try output.print(results)
  }
}

/// `yes` for a set flag, nil (left out of the line) otherwise.
func yes(_ flag: Bool) -> String? { flag ? "yes" : nil }
