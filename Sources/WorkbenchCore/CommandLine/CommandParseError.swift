/// A line of the `:` prompt or of a batch script that does not parse, or a value of the wrong type.
///
/// It names the script line (when there is one), the 1-based column (counted in Unicode scalars, a
/// tab counting as one), says what is wrong, and draws the line with a caret under the culprit:
///
///     line 3, column 13: unterminated string: the quote opened here is never closed
///       patch clean="When Mary
///                   ^
///
/// The catalog adds the command's usage with `withUsage(_:)`; it is printed last.
public struct CommandParseError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The script line, 1-based, or nil for a line typed at the prompt.
  public let lineNumber: Int?
  /// The column of the culprit, 1-based; one past the end of the line for "something is missing".
  public let column: Int
  public let message: String
  /// The whole line as written (without its line terminator).
  public let line: String
  /// The usage of the command the line names, once the catalog knows it.
  public let usage: String?

  public init(lineNumber: Int?, column: Int, message: String, line: String, usage: String? = nil) {
    self.lineNumber = lineNumber
    self.column = column
    self.message = message
    self.line = line
    self.usage = usage
  }

  /// The same error with the command's usage attached.
  public func withUsage(_ usage: String) -> CommandParseError {
    CommandParseError(lineNumber: lineNumber, column: column, message: message, line: line, usage: usage)
  }

  /// The same error placed on a script line.
  public func onLine(_ number: Int) -> CommandParseError {
    CommandParseError(lineNumber: number, column: column, message: message, line: line, usage: usage)
  }

  /// `line 3, column 14` or `column 14`.
  public var location: String {
    if let lineNumber { return "line \(lineNumber), column \(column)" }
    return "column \(column)"
  }

  /// Spaces up to the column (tabs copied from the line so the caret lines up), then `^`.
  public var caretLine: String {
    var prefix = ""
    for (offset, scalar) in line.unicodeScalars.enumerated() where offset < column - 1 {
      prefix.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
    }
    let missing = max(0, column - 1 - line.unicodeScalars.count)
    return prefix + String(repeating: " ", count: missing) + "^"
  }

  /// The line with control characters shown as `?`, so the caret stays under its column.
  var printableLine: String {
    var text = ""
    for scalar in line.unicodeScalars {
      let isControl = scalar.properties.generalCategory == .control && scalar != "\t"
      text.unicodeScalars.append(isControl ? "?" : scalar)
    }
    return text
  }

  public var description: String {
    var text = "\(location): \(message)\n  \(printableLine)\n  \(caretLine)"
    if let usage { text += "\nusage: \(usage)" }
    return text
  }
}
