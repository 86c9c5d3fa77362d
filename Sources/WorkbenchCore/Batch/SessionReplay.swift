import CircuitAnalysis
import Foundation

/// Replays a saved session: opens its model (refusing a missing model or changed weights), runs
/// every recorded command again through the one executor, and with `check` compares each
/// recomputed result with the stored one.
public enum SessionReplay {
  /// A history entry `--check` reports: its command and the differing (or borderline) cells.
  public struct Mismatch: Sendable, CustomStringConvertible {
    public let index: Int
    public let command: String
    public let differences: [String]
    public var description: String {
      (["history[\(index)] \(command):"] + differences.map { "  \($0)" }).joined(separator: "\n")
    }
  }

  /// What a checked replay found: the mismatches (a failed check) and the borderline cells of
  /// discontinuous kinds (listed, not a failure).
  public struct Outcome: Sendable {
    public var mismatches: [Mismatch] = []
    public var borderline: [Mismatch] = []
  }

  /// Runs the session's history on a new workbench, calling `emit` with each output; returns the
  /// mismatches (empty unless `check`). `model` replaces the session's model (see `replay`).
  public static func run(
    _ session: Session, check: Bool, on workbench: Workbench = Workbench(), model replacement: String? = nil,
    emit: (ParsedLine, CommandOutput) throws -> Void = { _, _ in }
  ) throws -> [Mismatch] {
    try replay(session, check: check, on: workbench, model: replacement, emit: emit).mismatches
  }

  /// Runs the session's history on `workbench`, drawing each command's progress on `progress`,
  /// calling `emit` with each output; with `check`, compares every recomputed result with the
  /// stored one, and the active interventions after the last command with the session's
  /// `interventions`. `model` replaces the session's model (no checksum check; every `model`
  /// command of the history loads it instead). `cancellation` stops the replay between commands
  /// and is handed to each one. The session's view is shown at the end.
  public static func replay(
    _ session: Session, check: Bool, on workbench: Workbench = Workbench(), model replacement: String? = nil,
    progress: TerminalProgress? = nil, cancellation: AnalysisProgress = .none,
    emit: (ParsedLine, CommandOutput) throws -> Void = { _, _ in }
  ) throws -> Outcome {
    if replacement == nil { _ = try session.model.check().requireFound() }
    var outcome = Outcome()
    if session.history.first?.name != "model" {
      _ = try workbench.execute(line: "model \(ParsedLine.quotedValue(replacement ?? session.model.reference))")
    }
    for (index, record) in session.history.enumerated() where record.failure == nil {
      let command = record.name == "model" && replacement != nil ? "model \(ParsedLine.quotedValue(replacement!))" : record.command
      guard let line = try CommandParser.parse(command, lineNumber: index + 1) else { continue }
      let output: CommandOutput
      do {
        defer { progress?.finish() }
        if cancellation.isCancelled { throw AnalysisError.cancelled(completed: index, total: session.history.count) }
        output = try workbench.execute(line, progress: progress?.progress ?? cancellation)
      } catch {
        throw BatchRunner.LineFailure(lineNumber: index + 1, line: record.command, underlying: error)
      }
      try emit(line, output)
      guard check else { continue }
      let report = compare(record, output)
      if !report.differences.isEmpty { outcome.mismatches.append(Mismatch(index: index, command: record.command, differences: report.differences)) }
      if !report.borderline.isEmpty { outcome.borderline.append(Mismatch(index: index, command: record.command, differences: report.borderline)) }
    }
    if check, workbench.interventions != session.interventions {
      let describe = { (i: SessionInterventions) in i.ablations.isEmpty ? "none" : i.ablations.map(\.description).joined(separator: ", ") }
      outcome.mismatches.append(Mismatch(index: session.history.count, command: "(the active interventions after the last command)", differences: [
        "stored \(describe(session.interventions)), replayed \(describe(workbench.interventions))",
      ]))
    }
    workbench.restoreView(session)
    return outcome
  }

  /// A recorded command's stored results against what its rerun produced.
  public static func compare(_ record: SessionCommandRecord, _ output: CommandOutput) -> ResultComparison.Report {
    var recomputed: [AnalysisResult] = []
    if case .results(let list) = output { recomputed = list }
    guard recomputed.count == record.results.count else {
      return ResultComparison.Report(differences: ["\(record.results.count) stored results, \(recomputed.count) recomputed"])
    }
    var report = ResultComparison.Report()
    for (stored, new) in zip(record.results, recomputed) {
      let one = ResultComparison.compare(stored: stored, recomputed: new)
      report.differences += one.differences
      report.borderline += one.borderline
    }
    return report
  }
}
