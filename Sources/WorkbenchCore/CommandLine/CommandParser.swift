/// Turns one line of the workbench's `:` prompt or of a batch script into a `ParsedLine`, without
/// knowing what the commands mean (the catalog checks names, arguments and types).
///
/// Grammar (columns count Unicode scalars from 1):
///
///     line       = blank* [ name ( blank+ argument )* ] blank* [ "#" comment ]
///     name       = letter ( letter | digit | "-" | "_" )*        e.g. patch, set-prompt
///     argument   = option | value
///     option     = key "=" value                                 e.g. clean="When Mary", layer=3
///     key        = letter ( letter | digit | "-" | "_" )*
///     value      = bare | '"' ( char | escape )* '"' | "'" char* "'"
///     bare       = any scalar but blank, quote, "#" or a control character, one or more
///     escape     = \"  \\  \n  \t  \u{1-6 hex digits}
///     blank      = space | tab
///
/// - The command is the first word alone: `ablate heads=9.9` and `ablate 9.9` are the command
///   `ablate`; sub-words are arguments the catalog reads.
/// - In an unquoted word the first `=` makes an option; a positional value containing `=` is
///   quoted (`"a=b"`). A quoted word is never an option. An option value may contain `=` (`k=a=b`).
/// - `#` outside quotes starts a comment anywhere, also inside a bare word (`x#y` is `x`); a value
///   containing `#` is quoted.
/// - Quotes open only at the start of a word or right after `key=`, and a closing quote is followed
///   by a blank, `#` or the end: `ab"c"` and `"ab"c` are errors, not concatenations.
/// - `key=` with nothing after it is an error; an empty string is written `key=""`.
/// - An option given twice is an error.
/// - Control characters (Unicode category Cc, tab excepted) are errors everywhere but in comments;
///   inside double quotes they are written with `\u{...}`. A tab inside quotes is kept as is.
public enum CommandParser {
  /// Parses one line; nil for a blank or comment-only line. `lineNumber` goes into errors.
  public static func parse(_ line: String, lineNumber: Int? = nil) throws -> ParsedLine? {
    var lexer = CommandLexer(line: line, lineNumber: lineNumber)
    let words = try lexer.words()
    guard let first = words.first else { return nil }
    let name: LineToken
    switch first {
    case .option(let key, _): throw key.error("a line starts with a command name, not an option")
    case .positional(let token): name = token
    }
    guard name.quoting == .bare else {
      throw name.error("a line starts with a command name, not a quoted string")
    }
    if let problem = problemWithName(name.text) {
      throw name.error("'\(name.text)' is not a command name: \(problem)")
    }
    var arguments: [ParsedArgument] = []
    var keyColumns: [String: Int] = [:]
    for word in words.dropFirst() {
      switch word {
      case .positional(let value):
        arguments.append(ParsedArgument(key: nil, value: value))
      case .option(let key, let value):
        if let first = keyColumns[key.text] {
          throw key.error("option '\(key.text)' is given twice (first at column \(first))")
        }
        keyColumns[key.text] = key.column
        arguments.append(ParsedArgument(key: key, value: value))
      }
    }
    return ParsedLine(lineNumber: lineNumber, line: line, name: name, arguments: arguments)
  }

  /// Why `text` is not a command or option name, or nil when it is one.
  static func problemWithName(_ text: String) -> String? {
    let rule = "names are a letter followed by letters, digits, '-' or '_'"
    guard let first = text.unicodeScalars.first, isASCIILetter(first) else { return rule }
    for scalar in text.unicodeScalars where !(isASCIILetter(scalar) || isASCIIDigit(scalar) || scalar == "-" || scalar == "_") {
      return rule
    }
    return nil
  }

  static func isASCIILetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
  static func isASCIIDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }

}
