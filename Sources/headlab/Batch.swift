import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore
import WorkbenchTUI

/// `headlab batch FILE` (also `headlab --batch FILE`): runs a script of workbench commands.
struct Batch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a script of workbench commands (one per line, # comments), or replay a saved session file (--check compares its results).",
    discussion: "Commands:\n" + CommandCatalog.helpText)

  @Argument(help: "The script file, or a session file saved by `save`.")
  var file: String

  @Flag(name: .long, help: "Replaying a session: recompute every stored result and compare it within its kind's tolerance; exit 1 with a diff on a mismatch.")
  var check = false

  @Flag(name: .long, help: "Print each command's results as one JSON line (a headlab.result/1 object or a list), and messages to stderr.")
  var json = false

  @Option(name: .long, help: "Draw the workbench's screen in memory at this size (e.g. 100x30), so that `save-screen FILE` lines write it as text.")
  var screen: String?

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
      if let screen {
        let size = screen.split(separator: "x").compactMap { Int($0) }
        guard size.count == 2, size[0] > 0, size[1] > 0, size[0] <= 1000, size[1] <= 1000 else {
          throw ValidationError("--screen takes COLUMNSxROWS, e.g. 100x30; got '\(screen)'")
        }
        ScreenCapture.install(on: workbench, columns: size[0], rows: size[1])
      }
      let emit: (ParsedLine, CommandOutput) throws -> Void = { line, output in
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
      guard script.drop { $0.isWhitespace }.first == "{" else {
        if check { throw ValidationError("--check replays a session file; \(file) is a script (save a session with `save FILE` first)") }
        try BatchRunner.run(script: script, on: workbench, emit: emit)
        return
      }
      let session = try SessionFile.read(url)
      let mismatches = try SessionReplay.run(session, check: check, on: workbench, emit: emit)
      guard mismatches.isEmpty else {
        FileHandle.standardError.write(Data(("headlab: check failed: \(mismatches.count) of \(session.history.count) commands differ from \(file)\n" + mismatches.map(\.description).joined(separator: "\n") + "\n").utf8))
        throw ExitCode(ExitStatus.checkMismatch.rawValue)
      }
      if check { FileHandle.standardError.write(Data("check passed: \(session.history.count) commands of \(file) reproduce their results\n".utf8)) }
    }
  }
}
