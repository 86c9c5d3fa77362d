/// The exit codes of every `headlab` entry point: the subcommands, `--batch` and `merge`.
public enum ExitStatus: Int32, CaseIterable, Sendable {
  /// Everything ran.
  case ok = 0
  /// `--batch --check`: a recomputed result differs from the stored one.
  case checkMismatch = 1
  /// Bad input (a file, a model, a prompt, a value) or a run that failed; one `headlab: error:` line says why.
  case failure = 2
  /// Malformed command-line arguments (swift-argument-parser's usage error).
  case usage = 64

  /// One line per code, for the README and the help text.
  public var meaning: String {
    switch self {
    case .ok: return "ok"
    case .checkMismatch: return "`--check` found a result that differs from the stored one (borderline cells of a kind decided at a threshold are listed, not counted)"
    case .failure: return "bad input or a failed run (one `headlab: error:` line names the culprit)"
    case .usage: return "malformed command-line arguments (usage message)"
    }
  }
}
