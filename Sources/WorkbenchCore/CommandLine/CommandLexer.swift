/// Splits one line into words, following the grammar in `CommandParser`'s documentation.
/// Works on Unicode scalars; index `i` is column `i + 1`.
struct CommandLexer {
  enum Word {
    case positional(LineToken)
    case option(key: LineToken, value: LineToken)
  }

  let scalars: [Unicode.Scalar]
  let line: String
  let lineNumber: Int?
  var index = 0

  init(line: String, lineNumber: Int?) {
    self.line = line
    self.lineNumber = lineNumber
    self.scalars = Array(line.unicodeScalars)
  }

  func fail(_ message: String, at index: Int) -> CommandParseError {
    CommandParseError(lineNumber: lineNumber, column: index + 1, message: message, line: line)
  }

  static func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }
  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar != "\t" && scalar.properties.generalCategory == .control
  }
  static func hex(_ scalar: Unicode.Scalar) -> String {
    let digits = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  var atEnd: Bool { index >= scalars.count }

  /// All words up to the end of the line or a `#` comment.
  mutating func words() throws -> [Word] {
    var words: [Word] = []
    while true {
      while !atEnd, Self.isBlank(scalars[index]) { index += 1 }
      if atEnd || scalars[index] == "#" { return words }
      words.append(try word())
    }
  }

  mutating func word() throws -> Word {
    let start = index
    if scalars[index] == "\"" || scalars[index] == "'" {
      let token = try quoted()
      try expectWordEnd()
      return .positional(token)
    }
    let bareEnd = try scanBare()
    let equals = scalars[start..<bareEnd].firstIndex(of: "=")
    guard let equals else {
      if !atEnd, scalars[index] == "\"" || scalars[index] == "'" {
        throw fail("a quote in the middle of a word; quote the whole word", at: index)
      }
      return .positional(bare(from: start, to: bareEnd))
    }
    if equals == start { throw fail("'=' with no option name before it", at: equals) }
    let key = bare(from: start, to: equals)
    if let problem = CommandParser.problemWithName(key.text) {
      throw fail("'\(key.text)' is not an option name: \(problem)", at: start)
    }
    if equals + 1 == bareEnd {
      if !atEnd, scalars[index] == "\"" || scalars[index] == "'" {
        let value = try quoted()
        try expectWordEnd()
        return .option(key: key, value: value)
      }
      throw fail("option '\(key.text)' has an empty value; write \(key.text)=\"\" for an empty string", at: bareEnd)
    }
    if !atEnd, scalars[index] == "\"" || scalars[index] == "'" {
      throw fail("a quote in the middle of a word; quote the whole value", at: index)
    }
    return .option(key: key, value: bare(from: equals + 1, to: bareEnd))
  }

  /// Advances over an unquoted run; stops at a blank, a quote, `#` or the end. Returns its end.
  mutating func scanBare() throws -> Int {
    while !atEnd {
      let scalar = scalars[index]
      if Self.isBlank(scalar) || scalar == "\"" || scalar == "'" || scalar == "#" { break }
      if Self.isControl(scalar) { throw fail("control character \(Self.hex(scalar)) in the line", at: index) }
      index += 1
    }
    return index
  }

  func bare(from start: Int, to end: Int) -> LineToken {
    var text = ""
    text.unicodeScalars.append(contentsOf: scalars[start..<end])
    return LineToken(
      text: text, column: start + 1, quoting: .bare, scalarColumns: (start..<end).map { $0 + 1 },
      lineNumber: lineNumber, line: line)
  }

  /// After a closing quote comes a blank, a comment or the end of the line.
  func expectWordEnd() throws {
    guard atEnd || Self.isBlank(scalars[index]) || scalars[index] == "#" else {
      throw fail("text right after a closing quote; put a space between words", at: index)
    }
  }

  /// A `"..."` or `'...'` word starting at `index`.
  mutating func quoted() throws -> LineToken {
    let open = index
    let quote = scalars[open]
    index += 1
    var text = ""
    var columns: [Int] = []
    while true {
      guard !atEnd else {
        throw fail("unterminated string: the quote opened here is never closed", at: open)
      }
      let scalar = scalars[index]
      if scalar == quote {
        index += 1
        return LineToken(
          text: text, column: open + 1, quoting: quote == "\"" ? .double : .single, scalarColumns: columns,
          lineNumber: lineNumber, line: line)
      }
      if Self.isControl(scalar) {
        throw fail("control character \(Self.hex(scalar)) in a string; write it as \\u{\(String(scalar.value, radix: 16, uppercase: true))}", at: index)
      }
      if scalar == "\\" && quote == "\"" {
        columns.append(index + 1)
        text.unicodeScalars.append(try escape())
        continue
      }
      columns.append(index + 1)
      text.unicodeScalars.append(scalar)
      index += 1
    }
  }

  /// The escape starting at the backslash at `index`; advances past it.
  mutating func escape() throws -> Unicode.Scalar {
    let backslash = index
    index += 1
    guard !atEnd else { throw fail("unterminated string: a backslash ends the line", at: backslash) }
    let letter = scalars[index]
    index += 1
    switch letter {
    case "\"": return "\""
    case "\\": return "\\"
    case "n": return "\n"
    case "t": return "\t"
    case "u": return try unicodeEscape(backslash: backslash)
    default:
      let shown = Self.isControl(letter) ? Self.hex(letter) : "\\\(letter)"
      throw fail("unknown escape \(shown); the escapes are \\\" \\\\ \\n \\t \\u{HEX}", at: backslash)
    }
  }

  /// `\u{1F600}`: one to six hex digits naming a Unicode scalar.
  mutating func unicodeEscape(backslash: Int) throws -> Unicode.Scalar {
    let malformed = "malformed \\u escape; write \\u{HEX} with 1 to 6 hex digits"
    guard !atEnd, scalars[index] == "{" else { throw fail(malformed, at: backslash) }
    index += 1
    var digits = ""
    while !atEnd, scalars[index] != "}" {
      guard scalars[index].properties.isASCIIHexDigit, digits.unicodeScalars.count < 6 else {
        throw fail(malformed, at: backslash)
      }
      digits.unicodeScalars.append(scalars[index])
      index += 1
    }
    guard !atEnd, !digits.isEmpty else { throw fail(malformed, at: backslash) }
    index += 1
    guard let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
      throw fail("\\u{\(digits)} is not a Unicode scalar", at: backslash)
    }
    return scalar
  }
}
