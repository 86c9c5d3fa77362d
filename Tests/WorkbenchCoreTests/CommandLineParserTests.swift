import WorkbenchCore
import XCTest

/// The lexing rules and the parse errors of `CommandParser` (the grammar is in its documentation).
final class CommandLineParserTests: XCTestCase {
  func testNamePositionalsAndOptionsKeepOrderAndColumns() throws {
    let parsed = try parseCommand("patch resid_pre  layer=3\tclean=\"When Mary\" 9.6")
    XCTAssertEqual(parsed.name.text, "patch")
    XCTAssertEqual(parsed.name.column, 1)
    XCTAssertEqual(argumentTexts(parsed), [[nil, "resid_pre"], ["layer", "3"], ["clean", "When Mary"], [nil, "9.6"]])
    XCTAssertEqual(parsed.arguments.map(\.column), [7, 18, 26, 44])
    XCTAssertEqual(parsed.option("layer")?.column, 24)
    XCTAssertEqual(parsed.option("clean")?.column, 32)
    XCTAssertEqual(parsed.option("clean")?.quoting, .double)
    XCTAssertNil(parsed.option("missing"))
    XCTAssertEqual(parsed.positionals.map(\.text), ["resid_pre", "9.6"])
    XCTAssertEqual(parsed.options.compactMap(\.key?.text), ["layer", "clean"])
    XCTAssertNil(parsed.lineNumber)
  }

  func testBlankAndCommentOnlyLinesAreNothing() throws {
    for line in ["", "   ", "\t \t", "# a comment", "   # indented comment", "#", "#\"unclosed quote in a comment"] {
      XCTAssertNil(try CommandParser.parse(line), "'\(line)'")
    }
  }

  func testTrailingCommentsEndTheLine() throws {
    XCTAssertEqual(argumentTexts(try parseCommand("ablate 9.6 # the name mover")), [[nil, "9.6"]])
    XCTAssertEqual(argumentTexts(try parseCommand("ablate 9.6# glued")), [[nil, "9.6"]])
    XCTAssertEqual(argumentTexts(try parseCommand("ablate x#y z")), [[nil, "x"]])
    XCTAssertEqual(argumentTexts(try parseCommand("ablate \"a # b\"# c")), [[nil, "a # b"]])
    XCTAssertEqual(argumentTexts(try parseCommand("ablate k='#1' # c \"x")), [["k", "#1"]])
    XCTAssertEqual(try parseCommand("help#").arguments.count, 0)
  }

  func testDoubleQuotedEscapes() throws {
    let parsed = try parseCommand(#"say "a\"b\\c\nd\te" "\u{1F600}\u{e9}x""#)
    XCTAssertEqual(parsed.positionals.map(\.text), ["a\"b\\c\nd\te", "😀éx"])
    XCTAssertEqual(parsed.positionals.map(\.quoting), [.double, .double])
  }

  func testSingleQuotesAreLiteral() throws {
    let parsed = try parseCommand(#"say 'a\nb "c" #d' k='x=y'"#)
    XCTAssertEqual(argumentTexts(parsed), [[nil, #"a\nb "c" #d"#], ["k", "x=y"]])
    XCTAssertEqual(parsed.positionals[0].quoting, .single)
  }

  func testLeadingSpaceInAQuotedValueIsKept() throws {
    let parsed = try parseCommand(#"set-answer answer=" Mary" wrong=' John'"#)
    XCTAssertEqual(parsed.option("answer")?.text, " Mary")
    XCTAssertEqual(parsed.option("wrong")?.text, " John")
  }

  func testQuotedValuesAfterKeysAndEmptyStrings() throws {
    let parsed = try parseCommand(#"set-prompt clean="When Mary and John went to the store," note="" """#)
    XCTAssertEqual(argumentTexts(parsed), [["clean", "When Mary and John went to the store,"], ["note", ""], [nil, ""]])
  }

  func testEqualsInsideValues() throws {
    let parsed = try parseCommand(#"x k=a=b "p=q" 'r=s'"#)
    XCTAssertEqual(argumentTexts(parsed), [["k", "a=b"], [nil, "p=q"], [nil, "r=s"]])
  }

  func testQuotedWordsAreNeverOptions() throws {
    XCTAssertEqual(argumentTexts(try parseCommand(#"x "k=v""#)), [[nil, "k=v"]])
  }

  func testBackslashInABareWordIsLiteral() throws {
    XCTAssertEqual(try parseCommand(#"open C:\runs\a.json end\"#).positionals.map(\.text), [#"C:\runs\a.json"#, #"end\"#])
  }

  func testUnicodeWordsAndColumnsCountScalars() throws {
    let parsed = try parseCommand("say é日本 🙂 k=ß")
    XCTAssertEqual(argumentTexts(parsed), [[nil, "é日本"], [nil, "🙂"], ["k", "ß"]])
    XCTAssertEqual(parsed.arguments.map(\.column), [5, 9, 11])
    // Non-breaking space is not a separator.
    XCTAssertEqual(try parseCommand("say a\u{A0}b").positionals.map(\.text), ["a\u{A0}b"])
  }

  func testTabsSeparateOutsideQuotesAndStayInside() throws {
    XCTAssertEqual(try parseCommand("\tx\ta\t\"b\tc\"\t").positionals.map(\.text), ["a", "b\tc"])
  }

  func testCommandNames() throws {
    for name in ["patch", "set-prompt", "logit_lens", "A1"] {
      XCTAssertEqual(try parseCommand("  \(name) x").name.text, name)
    }
  }

  // MARK: - Errors, each with its column and caret

  func testUnterminatedStringShowsTheLineAndCaret() throws {
    let error = try XCTUnwrap(parseError { try CommandScript.parse("load m\n\n  patch clean=\"When Mary\n") })
    XCTAssertEqual(
      error.description,
      """
      line 3, column 15: unterminated string: the quote opened here is never closed
          patch clean="When Mary
                      ^
      """)
    XCTAssertEqual(error.lineNumber, 3)
    assertLineError("x 'abc", column: 3, message: "unterminated string")
    assertLineError(#"x "abc\"#, column: 7, message: "a backslash ends the line")
    assertLineError(#"x "abc\""#, column: 3, message: "unterminated string")
  }

  func testEqualsWithNoKey() {
    assertLineError("patch =5", column: 7, message: "'=' with no option name")
    assertLineError("patch a =5", column: 9, message: "'=' with no option name")
  }

  func testEmptyValues() {
    assertLineError("patch layer=", column: 13, message: "option 'layer' has an empty value")
    assertLineError("patch layer= 3", column: 13, message: #"write layer="" for an empty string"#)
    assertLineError("patch layer=#3", column: 13, message: "empty value")
  }

  func testUnknownAndMalformedEscapes() {
    assertLineError(#"x "ab\qc""#, column: 6, message: #"unknown escape \q"#)
    assertLineError(#"x "\u{}""#, column: 4, message: "malformed \\u escape")
    assertLineError(#"x "\u41""#, column: 4, message: "malformed \\u escape")
    assertLineError(#"x "\u{1234567}""#, column: 4, message: "malformed \\u escape")
    assertLineError(#"x "\u{12g}""#, column: 4, message: "malformed \\u escape")
    assertLineError(#"x "ok\u{D800}""#, column: 6, message: #"\u{D800} is not a Unicode scalar"#)
    assertLineError(#"x "\u{110000}""#, column: 4, message: "is not a Unicode scalar")
  }

  func testControlCharacters() {
    assertLineError("x a\u{7}b", column: 4, message: "control character U+0007")
    assertLineError("x \"a\u{1B}b\"", column: 5, message: "control character U+001B in a string; write it as \\u{1B}")
    assertLineError("x 'a\rb'", column: 5, message: "control character U+000D")
    assertLineError("x k\u{7F}=1", column: 4, message: "control character U+007F")
    assertLineError("x a\u{85}", column: 4, message: "control character U+0085")
    // In a comment they are ignored.
    XCTAssertNoThrow(try CommandParser.parse("x a # \u{7}"))
  }

  func testQuotesMustBoundWords() {
    assertLineError(#"x ab"c""#, column: 5, message: "a quote in the middle of a word")
    assertLineError(#"x k=ab'c'"#, column: 7, message: "a quote in the middle of a word")
    assertLineError(#"x "ab"c"#, column: 7, message: "text right after a closing quote")
    assertLineError(#"x k="ab"'c'"#, column: 9, message: "text right after a closing quote")
  }

  func testTheFirstWordIsABareName() {
    assertLineError("  k=v x", column: 3, message: "starts with a command name, not an option")
    assertLineError(#" "patch" x"#, column: 2, message: "not a quoted string")
    assertLineError("9x a", column: 1, message: "'9x' is not a command name")
    assertLineError("pat.ch a", column: 1, message: "is not a command name")
  }

  func testOptionNames() {
    assertLineError("x 9.6=3", column: 3, message: "'9.6' is not an option name")
    assertLineError("x a b:c=3", column: 5, message: "'b:c' is not an option name")
  }

  func testAnOptionGivenTwice() {
    assertLineError("x a=1 b=2 a=3", column: 11, message: "option 'a' is given twice (first at column 3)")
  }

  func testCaretLineCopiesTabsAndReachesPastTheEnd() throws {
    let error = try XCTUnwrap(parseError { try CommandParser.parse("x\t\"abc") })
    XCTAssertEqual(error.caretLine, " \t^")
    XCTAssertEqual(error.description, "column 3: unterminated string: the quote opened here is never closed\n  x\t\"abc\n   \t^")
    let missing = try XCTUnwrap(parseError { try CommandParser.parse("x k=") })
    XCTAssertEqual(missing.caretLine, "    ^")
  }

  func testControlCharactersArePrintedAsQuestionMarks() throws {
    let error = try XCTUnwrap(parseError { try CommandParser.parse("x a\u{7}b") })
    XCTAssertEqual(error.description, "column 4: control character U+0007 in the line\n  x a?b\n     ^")
  }

  func testUsageIsPrintedLast() throws {
    let parsed = try parseCommand("patch layer=3")
    let error = parsed.error("missing the hook point").withUsage("patch HOOK [layer=N]").onLine(7)
    XCTAssertEqual(error.description, "line 7, column 14: missing the hook point\n  patch layer=3\n               ^\nusage: patch HOOK [layer=N]")
  }
}
