import TransformerEngine
import WorkbenchCore
import XCTest

/// Property tests on seeded random lines: an independent writer spells random commands in every
/// allowed way (bare, single or double quotes, escapes, `\u{...}`, tabs, trailing comments); the
/// parser must read back exactly the words written, and `canonicalText` must parse to the same
/// command and be its own canonical form.
final class CommandLineRoundTripTests: XCTestCase {
  /// Pieces values are made of: quotes, blanks, `#`, `=`, backslashes, commas, control characters,
  /// non-breaking and other Unicode spaces, combining marks, astral scalars.
  static let pieces: [String] = [
    "a", "Mary", " John", "9.6", "10.*", ",", "=", "#", "\"", "'", "\\", " ", "\t", "\n", "\r", "\u{0}",
    "\u{7}", "\u{1B}", "\u{7F}", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}", "é", "e\u{301}", "日本", "🙂",
    "\u{10FFFF}", "\u{FEFF}", "\\n", "\\u{41}", "-", "*", "key=value", "x#y",
  ]
  static let names = ["patch", "ablate", "set-prompt", "logit_lens", "x", "A1-b_c"]

  struct Command: Equatable {
    var name: String
    var arguments: [[String?]]
  }

  func randomCommand(_ rng: inout SplitMix64) -> Command {
    var command = Command(name: Self.names.randomElement(using: &rng)!, arguments: [])
    var keys = Set<String>()
    for _ in 0..<Int.random(in: 0...5, using: &rng) {
      let value = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
      if Bool.random(using: &rng) {
        let key = Self.names.randomElement(using: &rng)! + (Bool.random(using: &rng) ? "" : "2")
        guard keys.insert(key).inserted else { continue }
        command.arguments.append([key, value])
      } else {
        command.arguments.append([nil, value])
      }
    }
    return command
  }

  static func isControl(_ s: Unicode.Scalar) -> Bool { s != "\t" && s.properties.generalCategory == .control }

  /// A spelling of `value` that the grammar reads back as `value`, chosen at random.
  func spell(_ value: String, positional: Bool, _ rng: inout SplitMix64) -> String {
    let scalars = value.unicodeScalars
    let bareAllowed = !value.isEmpty && !scalars.contains { s in
      s == " " || s == "\t" || s == "\"" || s == "'" || s == "#" || Self.isControl(s) || (positional && s == "=")
    }
    let singleAllowed = !scalars.contains { $0 == "'" || Self.isControl($0) }
    switch Int.random(in: 0...2, using: &rng) {
    case 0 where bareAllowed: return value
    case 1 where singleAllowed: return "'\(value)'"
    default:
      var out = "\""
      for s in scalars {
        if s == "\"" || s == "\\" {
          out += "\\" + String(s)
        } else if Self.isControl(s) || Int.random(in: 0..<8, using: &rng) == 0 {
          let hex = String(s.value, radix: 16, uppercase: Bool.random(using: &rng))
          out += "\\u{" + String(repeating: "0", count: Int.random(in: 0...(6 - hex.count), using: &rng)) + hex + "}"
        } else if s == "\t" && Bool.random(using: &rng) {
          out += "\\t"
        } else {
          out.unicodeScalars.append(s)
        }
      }
      return out + "\""
    }
  }

  func spell(_ command: Command, _ rng: inout SplitMix64) -> String {
    func blanks(_ minimum: Int) -> String {
      (0..<Int.random(in: minimum...3, using: &rng)).map { _ in Bool.random(using: &rng) ? " " : "\t" }.joined()
    }
    var line = blanks(0) + command.name
    for argument in command.arguments {
      let value = spell(argument[1]!, positional: argument[0] == nil, &rng)
      line += blanks(1) + (argument[0].map { "\($0)=" } ?? "") + value
    }
    line += blanks(0)
    if Bool.random(using: &rng) {
      line += "#" + (0..<3).map { _ in Self.pieces.randomElement(using: &rng)! }.joined().filter { $0 != "\n" && $0 != "\r\n" }
    }
    return line
  }

  func words(_ parsed: ParsedLine) -> Command { Command(name: parsed.name.text, arguments: argumentTexts(parsed)) }

  func testRandomSpellingsParseToTheirWordsAndRoundTripCanonically() throws {
    var rng = SplitMix64(seed: 0x4865_6164_4C61_6231)
    var quotedValues = 0
    for iteration in 0..<3000 {
      let command = randomCommand(&rng)
      let line = spell(command, &rng)
      guard let parsed = try CommandParser.parse(line) else { return XCTFail("#\(iteration) '\(line)' parsed to nothing") }
      XCTAssertEqual(words(parsed), command, "#\(iteration): \(line.debugDescription)")
      let canonical = parsed.canonicalText
      let reparsed = try XCTUnwrap(try CommandParser.parse(canonical), canonical.debugDescription)
      XCTAssertTrue(reparsed.sameCommand(as: parsed), "#\(iteration): \(canonical.debugDescription)")
      XCTAssertEqual(reparsed.canonicalText, canonical)
      XCTAssertEqual(reparsed, try CommandParser.parse(canonical), "parsing is deterministic")
      quotedValues += parsed.arguments.filter { $0.value.quoting != .bare }.count
    }
    XCTAssertGreaterThan(quotedValues, 3000, "the generator exercises quoting")
  }

  /// Random scalar soup: every line either parses (and then round-trips canonically) or fails
  /// with a column inside the line or one past its end.
  func testArbitraryLinesParseOrFailWithAColumnInTheLine() throws {
    var rng = SplitMix64(seed: 2026)
    let alphabet = Self.pieces + ["p", "k=", "x ", " ", "\\u{", "}", "\\q"]
    var parsedCount = 0, failedCount = 0
    for _ in 0..<5000 {
      let line = (0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
      do {
        guard let parsed = try CommandParser.parse(line) else { continue }
        parsedCount += 1
        let reparsed = try XCTUnwrap(try CommandParser.parse(parsed.canonicalText))
        XCTAssertTrue(reparsed.sameCommand(as: parsed), line.debugDescription)
      } catch let error as CommandParseError {
        failedCount += 1
        XCTAssertTrue((1...line.unicodeScalars.count + 1).contains(error.column), error.description)
        XCTAssertEqual(error.line, line)
        XCTAssertFalse(error.message.isEmpty)
      }
    }
    XCTAssertGreaterThan(parsedCount, 100)
    XCTAssertGreaterThan(failedCount, 100)
  }

  func testCanonicalTextQuotesOnlyWhatNeedsIt() throws {
    let parsed = try parseCommand(#"  set-prompt   'When Mary'  k="9.6"  answer=" Mary" e="" p='a=b' q="x\ty#" "é""#)
    XCTAssertEqual(parsed.canonicalText, #"set-prompt "When Mary" k=9.6 answer=" Mary" e="" p=a=b q="x\ty#" é"#)
    XCTAssertEqual(try parseCommand("x \"\\u{7}\u{A0}\"").canonicalText, "x \"\\u{7}\u{A0}\"")
  }
}
