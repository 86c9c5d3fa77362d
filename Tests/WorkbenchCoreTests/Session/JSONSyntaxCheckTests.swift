import Foundation
import WorkbenchCore
import XCTest

/// The syntax check accepts what Foundation's parser reads, refuses what RFC 8259 refuses (stricter
/// than Linux's `JSONSerialization`, which takes trailing commas), and survives input that would
/// exhaust a recursive parser's stack.
final class JSONSyntaxCheckTests: XCTestCase {
  func testItAcceptsWhatJSONSerializationAccepts() throws {
    let valid = [
      "{}", "[]", " {\"a\" : [1, -0, 0.5, -1.25e-8, 1E+3, true, false, null, \"\\u00e9\\n\\\"\"]}\n", "\"x\"", "12", "[[[[]]]]",
      "{\"é\": \"日本\"}",
    ]
    for text in valid {
      XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]), text)
      XCTAssertNil(JSONSyntaxCheck.firstError(in: Array(text.utf8)), text)
    }
    let invalid = ["{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "1e", "nul", "[1] 2", "\"\\u12\"", "{\"a\":1,}", "\u{1}"]
    for text in invalid {
      XCTAssertNotNil(JSONSyntaxCheck.firstError(in: Array(text.utf8)), text)
    }
    XCTAssertEqual(JSONSyntaxCheck.firstError(in: [0x5B, 0xFF, 0x5D])?.reason, "invalid UTF-8 byte 0xff")
  }

  func testDeepNestingIsAnErrorNotACrash() throws {
    let deep = [UInt8](repeating: UInt8(ascii: "["), count: 200_000)
    let error = try XCTUnwrap(JSONSyntaxCheck.firstError(in: deep))
    XCTAssertEqual(error.offset, JSONSyntaxCheck.maximumDepth)
    XCTAssertTrue(error.reason.contains("nest deeper than 512"))
    XCTAssertThrowsError(try SessionFile.decode(Data(deep))) { error in
      XCTAssertTrue(String(describing: error).contains("line 1, column 513"), "\(error)")
    }
  }
}
