/// A batch script: one command per line, with the same syntax as the workbench's `:` prompt.
///
/// Lines end with LF or CRLF; a UTF-8 byte-order mark at the start is dropped. Blank lines and
/// lines whose first non-blank character is `#` are skipped, and every other line keeps its
/// 1-based number for errors. There is no line continuation: a trailing `\` is an ordinary
/// character, so an error always names the one line a command is on.
public enum CommandScript {
  public struct Line: Hashable, Sendable {
    /// 1-based.
    public let number: Int
    /// Without its line terminator.
    public let text: String
  }

  /// The lines holding commands, with their numbers.
  public static func lines(of script: String) -> [Line] {
    // Scalars, not Characters: "\r\n" is one Character and would not split at "\n".
    var scalars = script.unicodeScalars[...]
    if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
    var lines: [Line] = []
    for (index, raw) in scalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = raw
      if line.last == "\r" { line = line.dropLast() }
      let content = line.drop { CommandLexer.isBlank($0) }
      if content.isEmpty || content.first == "#" { continue }
      lines.append(Line(number: index + 1, text: String(String.UnicodeScalarView(line))))
    }
    return lines
  }

  /// Every command of the script; the first line that does not parse throws, naming its line.
  public static func parse(_ script: String) throws -> [ParsedLine] {
    try lines(of: script).compactMap { try CommandParser.parse($0.text, lineNumber: $0.number) }
  }
}
