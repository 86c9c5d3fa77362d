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

  @Option(name: .long, help: "Run shard i/n (0-based: $SLURM_ARRAY_TASK_ID/n, $JOB_COMPLETION_INDEX/n) of every dataset-level command without a shard= of its own; stdout is then the part for headlab merge (one JSON line per sharded command), everything else goes to stderr.")
  var shard: String?

  @Option(name: .long, help: "Also write each command's results to this folder, one file per command in order (NNN-KIND.json, headlab.result/1).")
  var out: String?

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
      workbench.shard = try shard.map { try ShardSpec(parsing: $0) }
      let folder = try out.map { try ResultFolder(path: $0) }
      let emit = { (line: ParsedLine, output: CommandOutput) throws in try self.emit(line, output, to: folder) }
      if let screen {
        let size = screen.split(separator: "x").compactMap { Int($0) }
        guard size.count == 2, size[0] > 0, size[1] > 0, size[0] <= 1000, size[1] <= 1000 else {
          throw ValidationError("--screen takes COLUMNSxROWS, e.g. 100x30; got '\(screen)'")
        }
        ScreenCapture.install(on: workbench, columns: size[0], rows: size[1])
      }
      let bar = TerminalProgress.onStandardError()
      let isSession = script.drop { $0.isWhitespace }.first == "{"
      if check && !isSession { throw ValidationError("--check replays a session file; \(file) is a script (save a session with `save FILE` first)") }
      if shard != nil && isSession { throw ValidationError("--shard splits a script's dataset-level commands; a session replays whole") }
      guard isSession else {
        try BatchRunner.run(script: script, on: workbench, progress: bar, emit: emit)
        return
      }
      let session = try SessionFile.read(url)
      let outcome = try SessionReplay.replay(session, check: check, on: workbench, progress: bar, emit: emit)
      if !outcome.borderline.isEmpty {
        let cells = outcome.borderline.map(\.differences.count).reduce(0, +)
        standardError("check: \(cells) borderline cell\(cells == 1 ? "" : "s") (within tolerance of a decision threshold, not mismatches):\n" + outcome.borderline.map(\.description).joined(separator: "\n"))
      }
      guard outcome.mismatches.isEmpty else {
        standardError("headlab: check failed: \(outcome.mismatches.count) of \(session.history.count) commands differ from \(file)\n" + outcome.mismatches.map(\.description).joined(separator: "\n"))
        throw ExitCode(ExitStatus.checkMismatch.rawValue)
      }
      if check { standardError("check passed: \(session.history.count) commands of \(file) reproduce their results") }
    }
  }

  /// Prints one command's output: a table (or a JSON line with --json); with --shard only the
  /// sharded results, as JSON lines, on stdout.
  func emit(_ line: ParsedLine, _ output: CommandOutput, to folder: ResultFolder?) throws {
    if case .results(let results) = output, let folder, !results.isEmpty { try folder.write(results) }
    switch output {
    case .message(let text):
      if json || shard != nil { standardError(text) } else { print("# \(line.canonicalText)\n\(text)\n") }
    case .results(let results):
      if shard != nil && !results.contains(where: { $0.params["shard"] != nil }) {
        standardError("# \(line.canonicalText): not a dataset-level command, not part of the shard")
      } else if json || shard != nil {
        let data = results.count == 1 ? try results[0].jsonData() : try AnalysisResult.jsonData(results)
        print(String(decoding: data, as: UTF8.self))
      } else {
        print("# \(line.canonicalText)\n" + results.map(ResultText.render).joined(separator: "\n\n") + "\n")
      }
    }
  }
}

/// One line on stderr.
func standardError(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
