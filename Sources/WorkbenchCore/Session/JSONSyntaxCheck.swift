/// Finds the first syntax error of a JSON text (RFC 8259) and where it is, because Foundation's
/// `JSONDecoder` reports no position on Linux. It builds no values; the nesting is tracked on an
/// explicit stack (no recursion), so any input, however deep, is checked without exhausting the
/// call stack.
public struct JSONSyntaxError: Error, Equatable, Sendable {
  /// The byte offset of the offending character (the file's length when it ended too early).
  public var offset: Int
  public var line: Int
  /// 1-based, counted in Unicode scalars from the start of the line.
  public var column: Int
  /// What was wrong, or what was expected at the end of the file.
  public var reason: String
  /// The text ended before the value was complete.
  public var endedEarly: Bool
}

public enum JSONSyntaxCheck {
  /// How deep arrays and objects may nest (as deep as Foundation's decoder accepts).
  public static let maximumDepth = 512

  /// nil when `bytes` is one well-formed JSON value, surrounded by whitespace only.
  public static func firstError<Bytes: RandomAccessCollection>(in bytes: Bytes) -> JSONSyntaxError? where Bytes.Element == UInt8, Bytes.Index == Int {
    var scanner = Scanner(bytes: Array(bytes))
    return scanner.run()
  }

  private enum Container { case object, array }
  private enum State { case value, valueOrArrayEnd, key, keyOrObjectEnd, afterValue }

  private struct Scanner {
    let bytes: [UInt8]
    var i = 0
    var stack: [Container] = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func run() -> JSONSyntaxError? {
      if let bad = firstInvalidUTF8() {
        // A multi-byte character cut off by the end of the file is a truncation.
        let rest = bytes[bad...]
        if rest.count < 4, rest.first! >= 0xC2, rest.dropFirst().allSatisfy({ $0 & 0xC0 == 0x80 }) { return endedEarly("the rest of a UTF-8 character") }
        return error(at: bad, "invalid UTF-8 byte 0x\(String(bytes[bad], radix: 16))")
      }
      var state = State.value
      while true {
        skipWhitespace()
        let atEnd = i == bytes.count
        let c: UInt8 = atEnd ? 0 : bytes[i]
        switch state {
        case .value, .valueOrArrayEnd:
          if atEnd { return endedEarly("a value") }
          if state == .valueOrArrayEnd && c == ascii("]") {
            stack.removeLast()
            i += 1
            state = .afterValue
            continue
          }
          switch c {
          case ascii("{"), ascii("["):
            guard stack.count < JSONSyntaxCheck.maximumDepth else {
              return error(at: i, "arrays and objects nest deeper than \(JSONSyntaxCheck.maximumDepth) levels")
            }
            stack.append(c == ascii("{") ? .object : .array)
            i += 1
            state = c == ascii("{") ? .keyOrObjectEnd : .valueOrArrayEnd
          case ascii("\""):
            if let e = scanString() { return e }
            state = .afterValue
          case ascii("-"), ascii("0")...ascii("9"):
            if let e = scanNumber() { return e }
            state = .afterValue
          case ascii("t"), ascii("f"), ascii("n"):
            if let e = scanLiteral() { return e }
            state = .afterValue
          default:
            return error(at: i, "unexpected \(describe(i)), expected a value")
          }
        case .key, .keyOrObjectEnd:
          if atEnd { return endedEarly(state == .key ? "a string key" : "a string key or '}'") }
          if state == .keyOrObjectEnd && c == ascii("}") {
            stack.removeLast()
            i += 1
            state = .afterValue
            continue
          }
          guard c == ascii("\"") else { return error(at: i, "unexpected \(describe(i)), expected a string key") }
          if let e = scanString() { return e }
          skipWhitespace()
          if i == bytes.count { return endedEarly("':'") }
          guard bytes[i] == ascii(":") else { return error(at: i, "unexpected \(describe(i)), expected ':' after the key") }
          i += 1
          state = .value
        case .afterValue:
          guard let top = stack.last else {
            return atEnd ? nil : error(at: i, "unexpected \(describe(i)) after the end of the JSON value")
          }
          let close = top == .array ? ascii("]") : ascii("}")
          if atEnd { return endedEarly("',' or '\(Character(Unicode.Scalar(close)))'") }
          if c == ascii(",") {
            i += 1
            state = top == .array ? .value : .key
          } else if c == close {
            stack.removeLast()
            i += 1
          } else {
            return error(at: i, "unexpected \(describe(i)), expected ',' or '\(Character(Unicode.Scalar(close)))'")
          }
        }
      }
    }

    mutating func skipWhitespace() {
      while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// At the opening quote.
    mutating func scanString() -> JSONSyntaxError? {
      let start = i
      i += 1
      while i < bytes.count {
        let c = bytes[i]
        if c == ascii("\"") {
          i += 1
          return nil
        }
        if c < 0x20 { return error(at: i, "a control character (0x\(String(c, radix: 16))) inside a string; write it escaped") }
        if c == ascii("\\") {
          i += 1
          guard i < bytes.count else { break }
          switch bytes[i] {
          case ascii("\""), ascii("\\"), ascii("/"), ascii("b"), ascii("f"), ascii("n"), ascii("r"), ascii("t"):
            i += 1
          case ascii("u"):
            for _ in 0..<4 {
              i += 1
              guard i < bytes.count else { return endedEarly("a \\u escape of four hex digits (the string began at \(place(start)))") }
              guard isHexDigit(bytes[i]) else { return error(at: i, "\(describe(i)) in a \\u escape, expected a hex digit") }
            }
            i += 1
          default:
            return error(at: i, "invalid escape: a backslash followed by \(describe(i)) in a string")
          }
          continue
        }
        i += 1
      }
      return endedEarly("the closing '\"' of the string that began at \(place(start))")
    }

    mutating func scanNumber() -> JSONSyntaxError? {
      if bytes[i] == ascii("-") { i += 1 }
      guard i < bytes.count else { return endedEarly("a digit") }
      if bytes[i] == ascii("0") {
        i += 1
      } else if isDigit(bytes[i]) {
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
      } else {
        return error(at: i, "unexpected \(describe(i)) in a number, expected a digit")
      }
      if i < bytes.count, bytes[i] == ascii(".") {
        i += 1
        if let e = digits("a digit after the decimal point") { return e }
      }
      if i < bytes.count, bytes[i] == ascii("e") || bytes[i] == ascii("E") {
        i += 1
        if i < bytes.count, bytes[i] == ascii("+") || bytes[i] == ascii("-") { i += 1 }
        if let e = digits("a digit of the exponent") { return e }
      }
      return nil
    }

    /// One or more digits.
    mutating func digits(_ expected: String) -> JSONSyntaxError? {
      guard i < bytes.count else { return endedEarly(expected) }
      guard isDigit(bytes[i]) else { return error(at: i, "unexpected \(describe(i)), expected \(expected)") }
      while i < bytes.count, isDigit(bytes[i]) { i += 1 }
      return nil
    }

    mutating func scanLiteral() -> JSONSyntaxError? {
      let word: [UInt8] = bytes[i] == ascii("t") ? Array("true".utf8) : bytes[i] == ascii("f") ? Array("false".utf8) : Array("null".utf8)
      for expected in word {
        guard i < bytes.count else { return endedEarly("the rest of '\(String(decoding: word, as: UTF8.self))'") }
        guard bytes[i] == expected else { return error(at: i, "unexpected \(describe(i)), expected '\(String(decoding: word, as: UTF8.self))'") }
        i += 1
      }
      return nil
    }

    func firstInvalidUTF8() -> Int? {
      var parser = Unicode.UTF8.ForwardParser()
      var iterator = bytes.makeIterator()
      var offset = 0
      while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let scalar): offset += scalar.count
        case .emptyInput: return nil
        case .error: return offset
        }
      }
    }

    func ascii(_ s: Unicode.Scalar) -> UInt8 { UInt8(s.value) }
    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) }

    /// The character at `offset` as an error shows it.
    func describe(_ offset: Int) -> String {
      let c = bytes[offset]
      if c >= 0x20 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
      if c < 0x80 { return "byte 0x\(String(c, radix: 16))" }
      let end = min(bytes.count, offset + 4)
      let text = String(decoding: bytes[offset..<end], as: UTF8.self)
      return text.unicodeScalars.first.map { "'\(Character($0))'" } ?? "byte 0x\(String(c, radix: 16))"
    }

    func lineAndColumn(_ offset: Int) -> (line: Int, column: Int) {
      var line = 1, column = 1
      for k in 0..<offset {
        if bytes[k] == 0x0A {
          line += 1
          column = 1
        } else if bytes[k] & 0xC0 != 0x80 {
          column += 1  // count scalars: skip UTF-8 continuation bytes
        }
      }
      return (line, column)
    }

    func place(_ offset: Int) -> String {
      let (line, column) = lineAndColumn(offset)
      return "line \(line), column \(column)"
    }

    func error(at offset: Int, _ reason: String) -> JSONSyntaxError {
      let (line, column) = lineAndColumn(offset)
      return JSONSyntaxError(offset: offset, line: line, column: column, reason: reason, endedEarly: false)
    }

    func endedEarly(_ expected: String) -> JSONSyntaxError {
      let (line, column) = lineAndColumn(bytes.count)
      return JSONSyntaxError(offset: bytes.count, line: line, column: column, reason: expected, endedEarly: true)
    }
  }
}
