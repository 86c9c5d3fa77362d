import Foundation

/// Reads and writes session files. Reading checks, in order: that the bytes are well-formed JSON
/// (else the line and column, or that the file is truncated), that `format` is `headlab.session`,
/// that the major version is one this HeadLab reads, and then every field (else the field's path).
public enum SessionFile {
  /// The bytes of a session: pretty-printed JSON with sorted keys and a final newline, so equal
  /// sessions give equal bytes and a saved file diffs line by line.
  public static func encode(_ session: Session) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    var data = try encoder.encode(session)
    data.append(0x0A)
    return data
  }

  /// Reads a session file; `SessionFileError` says what is wrong with it and where.
  public static func read(_ url: URL) throws -> Session {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw SessionFileError.unreadable(file: url.path, reason: (error as NSError).localizedDescription)
    }
    return try decode(data, file: url.path)
  }

  /// Decodes the bytes of a session file; `file` names it in errors.
  public static func decode(_ data: Data, file: String = "session") throws -> Session {
    if let syntax = JSONSyntaxCheck.firstError(in: [UInt8](data)) {
      if syntax.endedEarly {
        let expected = data.allSatisfy { [0x20, 0x0A, 0x0D, 0x09].contains($0) } ? "a session object (the file is empty)" : syntax.reason
        throw SessionFileError.truncated(file: file, line: syntax.line, column: syntax.column, expected: expected)
      }
      throw SessionFileError.malformedJSON(file: file, line: syntax.line, column: syntax.column, reason: syntax.reason)
    }
    let header: SessionHeader
    do {
      header = try JSONDecoder().decode(SessionHeader.self, from: data)
    } catch let error as DecodingError {
      if codingPath(error).isEmpty { throw SessionFileError.notASession(file: file, reason: "the top level is not a JSON object") }
      throw SessionFileError.invalidField(file: file, path: fieldPath(codingPath(error), adding: error), reason: reason(error))
    }
    guard let format = header.format else {
      throw SessionFileError.notASession(file: file, reason: "it has no \"format\" field (expected \"\(Session.formatName)\")")
    }
    guard format == Session.formatName else {
      throw SessionFileError.notASession(file: file, reason: "its format is \(format.debugDescription), expected \"\(Session.formatName)\"")
    }
    guard let version = header.version else {
      throw SessionFileError.invalidField(file: file, path: "version", reason: "missing; expected {\"major\": \(SessionVersion.current.major), \"minor\": \(SessionVersion.current.minor)}")
    }
    guard version.major <= SessionVersion.current.major else {
      throw SessionFileError.newerMajorVersion(file: file, found: version, supported: SessionVersion.current)
    }
    guard version.major >= 1, version.minor >= 0 else {
      throw SessionFileError.invalidField(file: file, path: "version", reason: "\(version) is not a session format version")
    }
    do {
      return try JSONDecoder().decode(Session.self, from: data)
    } catch let error as DecodingError {
      throw SessionFileError.invalidField(file: file, path: fieldPath(codingPath(error), adding: error), reason: reason(error))
    }
  }

  /// `format` and `version`, read before the rest so that a file of another format or a newer
  /// major version is refused before its fields are interpreted.
  private struct SessionHeader: Decodable {
    var format: String?
    var version: SessionVersion?

    enum CodingKeys: CodingKey { case format, version }

    init(from decoder: Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      format = try c.decodeIfPresent(String.self, forKey: .format)
      version = try c.decodeIfPresent(SessionVersion.self, forKey: .version)
    }
  }

  /// `history[3].results[0].values` for a coding path (plus the missing key of `keyNotFound`).
  static func fieldPath(_ path: [CodingKey], adding error: DecodingError? = nil) -> String {
    var keys = path
    if case .keyNotFound(let key, _) = error { keys.append(key) }
    var text = ""
    for key in keys {
      if let index = key.intValue, key.stringValue == String(index) || key.stringValue.hasPrefix("Index ") {
        text += "[\(index)]"
      } else {
        text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
      }
    }
    return text.isEmpty ? "(top level)" : text
  }

  static func codingPath(_ error: DecodingError) -> [CodingKey] {
    switch error {
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
      return context.codingPath
    @unknown default:
      return []
    }
  }

  static func reason(_ error: DecodingError) -> String {
    switch error {
    case .typeMismatch(let type, let context):
      return "expected \(typeName(type)): \(context.debugDescription)"
    case .valueNotFound(let type, let context):
      return "expected \(typeName(type)), found null: \(context.debugDescription)"
    case .keyNotFound(let key, _):
      return "missing (\"\(key.stringValue)\" is required)"
    case .dataCorrupted(let context):
      return context.debugDescription
    @unknown default:
      return String(describing: error)
    }
  }

  static func typeName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    case is Int.Type, is Int64.Type, is UInt64.Type: return "an integer"
    case is Double.Type, is Float.Type: return "a number"
    default:
      let name = String(describing: type)
      if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
      if name.hasPrefix("Dictionary") || name.contains(":") { return "an object" }
      return "a \(name) object"
    }
  }
}
