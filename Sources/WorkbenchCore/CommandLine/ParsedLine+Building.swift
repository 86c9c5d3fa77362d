extension ParsedLine {
  /// A catalog line built in code, as the `headlab` subcommands build theirs from their flags:
  /// the name, the positional values and the options whose value is not nil, in that order,
  /// rendered canonically (quoted where they must be) and parsed back, so the line is exactly one
  /// a user could have typed.
  public static func building(_ name: String, _ positionals: [String] = [], options: KeyValuePairs<String, String?> = [:]) throws -> ParsedLine {
    try building(name, positionals, orderedOptions: options.map { ($0.key, $0.value) })
  }

  /// The same with the options as an array of (key, value) pairs, in order.
  public static func building(_ name: String, _ positionals: [String] = [], orderedOptions options: [(String, String?)]) throws -> ParsedLine {
    var words = [name] + positionals.map { CanonicalRendering.value($0) }
    for (key, value) in options {
      if let value { words.append("\(key)=\(CanonicalRendering.value(value, positional: false))") }
    }
    let text = words.joined(separator: " ")
    guard let line = try CommandParser.parse(text) else { throw CommandParseError(lineNumber: nil, column: 1, message: "empty command", line: text) }
    return line
  }
}

extension ParsedLine {
  /// `text` written as one value of a command line: bare when it reads back unchanged, otherwise
  /// double-quoted with escapes (what `canonicalText` writes).
  public static func quotedValue(_ text: String) -> String { CanonicalRendering.value(text) }
}
