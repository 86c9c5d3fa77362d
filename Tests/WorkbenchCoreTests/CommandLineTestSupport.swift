import WorkbenchCore
import XCTest

/// Parses a line that must hold a command.
func parseCommand(_ line: String, file: StaticString = #filePath, line number: UInt = #line) throws -> ParsedLine {
  guard let parsed = try CommandParser.parse(line) else {
    XCTFail("'\(line)' parsed to nothing", file: file, line: number)
    throw CommandParseError(lineNumber: nil, column: 1, message: "nothing", line: line)
  }
  return parsed
}

/// The error `body` throws, which must be a `CommandParseError`.
func parseError<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> CommandParseError? {
  do {
    let value = try body()
    XCTFail("expected a CommandParseError, got \(value)", file: file, line: line)
  } catch let error as CommandParseError {
    return error
  } catch {
    XCTFail("expected a CommandParseError, got \(error)", file: file, line: line)
  }
  return nil
}

/// Parsing `text` fails at `column` with a message containing `message`, and the caret line puts
/// `^` in that column.
func assertLineError(
  _ text: String, column: Int, message: String, file: StaticString = #filePath, line: UInt = #line
) {
  guard let error = parseError({ try CommandParser.parse(text) }, file: file, line: line) else { return }
  XCTAssertEqual(error.column, column, "column of: \(error.description)", file: file, line: line)
  XCTAssertTrue(error.message.contains(message), "message of: \(error.description)", file: file, line: line)
  XCTAssertEqual(error.caretLine.unicodeScalars.count, column, file: file, line: line)
  XCTAssertEqual(error.caretLine.unicodeScalars.last, "^", file: file, line: line)
}

/// The (key, value) texts of a parsed line's arguments.
func argumentTexts(_ parsed: ParsedLine) -> [[String?]] {
  parsed.arguments.map { [$0.key?.text, $0.value.text] }
}
