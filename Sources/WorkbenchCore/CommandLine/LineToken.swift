/// One word of a parsed line: its text after quotes and escapes are removed, where it starts, and
/// how it was quoted. Typed values (`integer()`, `headPattern()`, ...) are read from it and their
/// errors point into the line.
public struct LineToken: Hashable, Sendable, CustomStringConvertible {
  public enum Quoting: String, Hashable, Sendable {
    /// An unquoted word.
    case bare
    /// `"..."`, with the escapes \" \\ \n \t \u{HEX}.
    case double
    /// `'...'`, taken literally.
    case single
  }

  /// The value, with quotes removed and escapes decoded.
  public let text: String
  /// The 1-based column of its first character (the opening quote of a quoted word).
  public let column: Int
  public let quoting: Quoting
  /// The source column of each Unicode scalar of `text` (an escape maps to its backslash).
  let scalarColumns: [Int]
  let lineNumber: Int?
  let line: String

  init(text: String, column: Int, quoting: Quoting, scalarColumns: [Int], lineNumber: Int?, line: String) {
    self.text = text
    self.column = column
    self.quoting = quoting
    self.scalarColumns = scalarColumns
    self.lineNumber = lineNumber
    self.line = line
  }

  /// A token that stands alone (a value given in code or read from a session, not typed in a line):
  /// its errors point into `text` itself.
  public init(standalone text: String) {
    let columns = (0..<text.unicodeScalars.count).map { $0 + 1 }
    self.init(text: text, column: 1, quoting: .bare, scalarColumns: columns, lineNumber: nil, line: text)
  }

  /// The source column of the scalar at `offset` in `text`; one past the last scalar at the end.
  public func column(atOffset offset: Int) -> Int {
    if offset >= 0 && offset < scalarColumns.count { return scalarColumns[offset] }
    return scalarColumns.last.map { $0 + 1 } ?? column
  }

  /// An error about this token, or about the part of it starting `offset` scalars into `text`.
  public func error(_ message: String, atOffset offset: Int? = nil) -> CommandParseError {
    CommandParseError(
      lineNumber: lineNumber, column: offset.map(column(atOffset:)) ?? column, message: message, line: line)
  }

  /// The token as the canonical renderer writes it.
  public var description: String { CanonicalRendering.value(text) }
}

/// A positional argument (`key == nil`) or a `key=value` option, in the order written.
public struct ParsedArgument: Hashable, Sendable {
  public let key: LineToken?
  public let value: LineToken

  public init(key: LineToken?, value: LineToken) {
    self.key = key
    self.value = value
  }

  /// Where the argument starts: its key, or its value when positional.
  public var column: Int { key?.column ?? value.column }
  public var isOption: Bool { key != nil }
}
