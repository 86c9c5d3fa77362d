import CircuitAnalysis

/// One command of a session's history: the line as the parser reads it back, the same command in
/// structured form (its catalog name and its arguments as JSON), what it returned, and when it ran.
/// `--check` reruns `command` and compares with `results` (numbers at full precision).
public struct SessionCommandRecord: Codable, Equatable, Sendable {
  /// The canonical command-line text, e.g. `patch heads metric=logit_diff`.
  public var command: String
  /// The catalog name, e.g. `patch`.
  public var name: String
  /// The parsed arguments, keyed by argument name.
  public var arguments: [String: JSONValue]
  /// The `headlab.result/1` values it returned (none for `select`, `ablate`, ...).
  public var results: [AnalysisResult]
  /// When it ran.
  public var time: SessionTime
  /// Why it failed, for a command that did not complete (its results are then empty).
  public var failure: String?

  public init(
    command: String, name: String, arguments: [String: JSONValue] = [:], results: [AnalysisResult] = [],
    time: SessionTime = .now, failure: String? = nil
  ) {
    self.command = command
    self.name = name
    self.arguments = arguments
    self.results = results
    self.time = time
    self.failure = failure
  }
}
