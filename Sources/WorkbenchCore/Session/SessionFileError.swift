/// Why a session file could not be read or saved. Each message names the file and the place:
/// a line and column for broken JSON, a field path such as `history[3].results[0].values` for a
/// field of the wrong type.
public enum SessionFileError: Error, Equatable, CustomStringConvertible {
  case unreadable(file: String, reason: String)
  /// The file ends in the middle of a value (line and column of its end).
  case truncated(file: String, line: Int, column: Int, expected: String)
  case malformedJSON(file: String, line: Int, column: Int, reason: String)
  /// `format` is missing or is not `headlab.session`, or the top level is not an object.
  case notASession(file: String, reason: String)
  case newerMajorVersion(file: String, found: SessionVersion, supported: SessionVersion)
  /// A field is missing, has the wrong type or an invalid value.
  case invalidField(file: String, path: String, reason: String)
  case saveFailed(file: String, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return "\(file): cannot read the session: \(reason)"
    case .truncated(let file, let line, let column, let expected):
      return "\(file): the file is truncated: it ends at line \(line), column \(column), where \(expected) was expected"
    case .malformedJSON(let file, let line, let column, let reason):
      return "\(file): malformed JSON at line \(line), column \(column): \(reason)"
    case .notASession(let file, let reason):
      return "\(file): not a HeadLab session: \(reason)"
    case .newerMajorVersion(let file, let found, let supported):
      return "\(file): the session has format version \(found), newer than the version \(supported) this HeadLab reads; "
        + "open it with a HeadLab that reads version \(found.major).x"
    case .invalidField(let file, let path, let reason):
      return "\(file): field \(path): \(reason)"
    case .saveFailed(let file, let reason):
      return "\(file): cannot save the session: \(reason)"
    }
  }
}
