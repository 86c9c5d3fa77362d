import CircuitAnalysis
import Foundation

/// Replays a saved session: opens its model (refusing a missing model or changed weights), runs
/// every recorded command again through the one executor, and with `check` compares each
/// recomputed result with the stored one.
public enum SessionReplay {
  /// A mismatch found by `--check`: the history entry, its command and the differing cells.
  public struct Mismatch: Sendable, CustomStringConvertible {
    public let index: Int
    public let command: String
    public let differences: [String]
    public var description: String {
      (["history[\(index)] \(command):"] + differences.map { "  \($0)" }).joined(separator: "\n")
    }
  }

  /// Runs the session's history on a new workbench, calling `emit` with each output; returns the
  /// mismatches (empty unless `check`), among them active interventions that differ from the
  /// session's `interventions` after the last command. `model` replaces the session's model (no
  /// checksum check; every `model` command of the history loads it instead).
  public static func run(
    _ session: Session, check: Bool, on workbench: Workbench = Workbench(), model replacement: String? = nil,
    emit: (ParsedLine, CommandOutput) throws -> Void = { _, _ in }
  ) throws -> [Mismatch] {
    if replacement == nil { _ = try session.model.check().requireFound() }
    var mismatches: [Mismatch] = []
    if session.history.first?.name != "model" {
      _ = try workbench.execute(line: "model \(quoted(replacement ?? session.model.reference))")
    }
    for (index, record) in session.history.enumerated() where record.failure == nil {
      let command = record.name == "model" && replacement != nil ? "model \(quoted(replacement!))" : record.command
      guard let line = try CommandParser.parse(command, lineNumber: index + 1) else { continue }
      let output: CommandOutput
      do {
        output = try workbench.execute(line)
      } catch {
        throw BatchRunner.LineFailure(lineNumber: index + 1, line: record.command, underlying: error)
      }
      try emit(line, output)
      guard check else { continue }
      var recomputed: [AnalysisResult] = []
      if case .results(let list) = output { recomputed = list }
      var differences: [String] = []
      if recomputed.count != record.results.count {
        differences.append("\(record.results.count) stored results, \(recomputed.count) recomputed")
      } else {
        for (stored, new) in zip(record.results, recomputed) {
          differences += ResultComparison.differences(stored: stored, recomputed: new)
        }
      }
      if !differences.isEmpty { mismatches.append(Mismatch(index: index, command: record.command, differences: differences)) }
    }
    if check, workbench.interventions != session.interventions {
      let describe = { (i: SessionInterventions) in i.ablations.isEmpty ? "none" : i.ablations.map(\.description).joined(separator: ", ") }
      mismatches.append(Mismatch(index: session.history.count, command: "(the active interventions after the last command)", differences: [
        "stored \(describe(session.interventions)), replayed \(describe(workbench.interventions))",
      ]))
    }
    workbench.restoreView(session)
    return mismatches
  }

  /// A command-line value: single-quoted (literal) unless it contains a single quote.
  static func quoted(_ text: String) -> String {
    if !text.contains("'") { return "'\(text)'" }
    return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }
}
