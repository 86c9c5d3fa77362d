/// A line of the `:` prompt or a batch script, split into its command name and its arguments in
/// the order written, each with its column. What the words mean is the catalog's business.
public struct ParsedLine: Hashable, Sendable, CustomStringConvertible {
  /// The script line, 1-based, or nil for a line typed at the prompt.
  public let lineNumber: Int?
  /// The line as written.
  public let line: String
  /// The command: the first word (`patch`, `ablate`, `set-prompt`).
  public let name: LineToken
  /// Positional values and `key=value` options, in the order written.
  public let arguments: [ParsedArgument]

  public init(lineNumber: Int?, line: String, name: LineToken, arguments: [ParsedArgument]) {
    self.lineNumber = lineNumber
    self.line = line
    self.name = name
    self.arguments = arguments
  }

  /// The values written without a key, in order.
  public var positionals: [LineToken] { arguments.filter { !$0.isOption }.map(\.value) }
  /// The `key=value` options, in order.
  public var options: [ParsedArgument] { arguments.filter(\.isOption) }

  /// The value of option `key`, or nil when it is not given.
  public func option(_ key: String) -> LineToken? {
    arguments.first { $0.key?.text == key }?.value
  }

  /// An error at a column of this line (the end of the line by default: "something is missing").
  public func error(_ message: String, column: Int? = nil) -> CommandParseError {
    CommandParseError(
      lineNumber: lineNumber, column: column ?? line.unicodeScalars.count + 1, message: message, line: line)
  }

  /// Same name and the same arguments (keys and values) in the same order, wherever and however
  /// quoted they were written.
  public func sameCommand(as other: ParsedLine) -> Bool {
    name.text == other.name.text && arguments.count == other.arguments.count
      && zip(arguments, other.arguments).allSatisfy { $0.key?.text == $1.key?.text && $0.value.text == $1.value.text }
  }

  /// The canonical spelling: single spaces, no comment, values quoted only when they must be.
  /// It parses back to a line that is `sameCommand(as:)` this one.
  public var canonicalText: String {
    var words = [name.text]
    for argument in arguments {
      let value = CanonicalRendering.value(argument.value.text, positional: argument.key == nil)
      words.append(argument.key.map { "\($0.text)=\(value)" } ?? value)
    }
    return words.joined(separator: " ")
  }

  public var description: String { canonicalText }
}

/// How a value is written in a canonical line.
enum CanonicalRendering {
  /// Bare when it reads back unchanged, otherwise double-quoted with escapes.
  static func value(_ text: String, positional: Bool = true) -> String {
    needsQuotes(text, positional: positional) ? doubleQuoted(text) : text
  }

  static func needsQuotes(_ text: String, positional: Bool) -> Bool {
    if text.isEmpty { return true }
    for scalar in text.unicodeScalars {
      if scalar == "\"" || scalar == "'" || scalar == "#" || CommandLexer.isControl(scalar) { return true }
      if scalar.properties.isWhitespace { return true }
      if positional && scalar == "=" { return true }
    }
    return false
  }

  static func doubleQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if CommandLexer.isControl(scalar) {
          out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
