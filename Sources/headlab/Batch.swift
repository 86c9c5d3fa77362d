import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab batch FILE` (also `headlab --batch FILE`): runs a script of workbench commands.
struct Batch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a script of workbench commands (one per line, # comments), e.g. headlab --batch Sessions/ioi.headlab.",
    discussion: "Commands:\n" + CommandCatalog.helpText)

  @Argument(help: "The script file.")
  var file: String

  @Flag(name: .long, help: "Print each command's results as one JSON line (a headlab.result/1 object or a list), and messages to stderr.")
  var json = false

  func run() throws {
    try reportingErrors {
      let url = URL(fileURLWithPath: file)
      let script: String
      do {
        script = try String(contentsOf: url, encoding: .utf8)
      } catch {
        throw ValidationError("cannot read the batch script \(file): \((error as NSError).localizedDescription)")
      }
      let workbench = Workbench()
      try BatchRunner.run(script: script, on: workbench) { line, output in
        switch output {
        case .message(let text):
          if json { FileHandle.standardError.write(Data("\(text)\n".utf8)) } else { print("# \(line.canonicalText)\n\(text)\n") }
        case .results(let results):
          if json {
            let data = results.count == 1 ? try results[0].jsonData() : try AnalysisResult.jsonData(results)
            print(String(decoding: data, as: UTF8.self))
          } else {
            print("# \(line.canonicalText)\n" + results.map(ResultText.render).joined(separator: "\n\n") + "\n")
          }
        }
      }
    }
  }
}
