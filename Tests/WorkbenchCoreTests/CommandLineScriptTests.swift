import WorkbenchCore
import XCTest

/// Splitting a batch script into command lines with their original numbers.
final class CommandLineScriptTests: XCTestCase {
  func testCommentsAndBlankLinesAreSkippedAndNumbersKept() throws {
    let script = "\u{FEFF}# IOI\r\n\r\nload default\r\n   # indented comment\n\t\npatch heads=9.6 # trailing\nrun now\\\n"
    XCTAssertEqual(CommandScript.lines(of: script).map(\.number), [3, 6, 7])
    XCTAssertEqual(CommandScript.lines(of: script).map(\.text), ["load default", "patch heads=9.6 # trailing", "run now\\"])
    let parsed = try CommandScript.parse(script)
    XCTAssertEqual(parsed.map(\.lineNumber), [3, 6, 7])
    XCTAssertEqual(parsed.map(\.name.text), ["load", "patch", "run"])
    XCTAssertEqual(parsed[2].positionals.map(\.text), ["now\\"], "no line continuation: a trailing backslash is text")
  }

  func testErrorsOnLaterLinesCarryTheLineNumberIntoValueErrors() throws {
    let lines = try CommandScript.parse("load default\n\n# c\nablate heads=9.6,x.1\n")
    let heads = try XCTUnwrap(lines[1].option("heads"))
    let error = try XCTUnwrap(parseError { try heads.headPattern() })
    XCTAssertEqual(error.description, "line 4, column 18: 'x' is not a layer: write a number, a range like 3-5, or *\n  ablate heads=9.6,x.1\n                   ^")
  }

  func testTheFirstBadLineStopsTheScript() throws {
    let error = try XCTUnwrap(parseError { try CommandScript.parse("load default\r\nrun x=1 x=2\r\nbad 'line\r\n") })
    XCTAssertEqual(error.lineNumber, 2)
    XCTAssertEqual(error.column, 9)
    XCTAssertEqual(error.line, "run x=1 x=2")
  }

  func testALoneCarriageReturnInsideALineIsAControlCharacter() throws {
    let error = try XCTUnwrap(parseError { try CommandScript.parse("run a\rb\n") })
    XCTAssertEqual(error.lineNumber, 1)
    XCTAssertEqual(error.column, 6)
  }
}
