import Foundation

/// Runs a batch script: one command per line, `#` comments, the syntax of the workbench's `:`
/// prompt, in order, through the one executor. It stops at the first line that fails; everything
/// before it has run (and been emitted).
public enum BatchRunner {
  /// A line that parsed but failed to run.
  public struct LineFailure: Error, LocalizedError, CustomStringConvertible {
    public let lineNumber: Int
    public let line: String
    public let underlying: Error

    public var description: String {
      let message = (underlying as? LocalizedError)?.errorDescription ?? String(describing: underlying)
      return "line \(lineNumber) (\(line.trimmingCharacters(in: .whitespaces))): \(message)"
    }
    public var errorDescription: String? { description }
  }

  /// Runs every line of `script` on `workbench`, drawing each command's progress on `progress`
  /// (cleared before its output) and calling `emit` with each command's output.
  public static func run(
    script: String, on workbench: Workbench, progress: TerminalProgress? = nil, emit: (ParsedLine, CommandOutput) throws -> Void
  ) throws {
    for line in CommandScript.lines(of: script) {
      guard let parsed = try CommandParser.parse(line.text, lineNumber: line.number) else { continue }
      let output: CommandOutput
      do {
        defer { progress?.finish() }
        output = try workbench.execute(parsed, progress: progress?.progress ?? .none)
      } catch let error as CommandParseError {
        throw error
      } catch {
        throw LineFailure(lineNumber: line.number, line: line.text, underlying: error)
      }
      try emit(parsed, output)
    }
  }
}
