import CircuitAnalysis
import WorkbenchCore
import XCTest

/// The typed values the catalog reads from arguments: numbers, booleans, choices, head patterns,
/// layer and position lists, resolved against a model of L = 12 layers and NH = 12 heads.
final class CommandLineValueTests: XCTestCase {
  /// The value of the single option `v` in `x v=TEXT`; `TEXT` starts at column 5.
  func value(_ text: String) throws -> LineToken {
    try XCTUnwrap(try parseCommand("x v=\(text)").option("v"))
  }

  func assertValueError<T>(
    _ text: String, column: Int, message: String, file: StaticString = #filePath, line: UInt = #line,
    _ read: (LineToken) throws -> T
  ) {
    guard let token = try? value(text) else { return XCTFail("'\(text)' does not lex", file: file, line: line) }
    guard let error = parseError({ try read(token) }, file: file, line: line) else { return }
    XCTAssertEqual(error.column, column, error.description, file: file, line: line)
    XCTAssertTrue(error.message.contains(message), error.description, file: file, line: line)
  }

  func heads(_ pairs: [(Int, Int)]) -> [HeadIndex] { pairs.map { HeadIndex($0.0, $0.1) } }

  func testIntegers() throws {
    XCTAssertEqual(try value("12").integer(), 12)
    XCTAssertEqual(try value("-3").integer(), -3)
    XCTAssertEqual(try value("+7").integer(in: 0...10), 7)
    assertValueError("12x", column: 5, message: "'12x' is not an integer") { try $0.integer() }
    assertValueError("1.5", column: 5, message: "is not an integer") { try $0.integer() }
    assertValueError("-", column: 5, message: "is not an integer") { try $0.integer() }
    assertValueError("99999999999999999999", column: 5, message: "too large") { try $0.integer() }
    assertValueError("11", column: 5, message: "11 is out of range 0...10") { try $0.integer(in: 0...10) }
    assertValueError(#""  4""#, column: 5, message: "is not an integer") { try $0.integer() }
  }

  func testFloats() throws {
    for (text, expected) in [("0.5", 0.5), ("-1", -1.0), (".25", 0.25), ("1e-5", 1e-5), ("2.5E3", 2500.0), ("3.", 3.0), ("+2", 2.0)] {
      XCTAssertEqual(try value(text).float(), expected, text)
    }
    for bad in ["nan", "inf", "0x10", "1e", "e5", ".", "1.2.3", "1,5", "--1", "1e+"] {
      assertValueError(bad, column: 5, message: "'\(bad)' is not a number") { try $0.float() }
    }
    assertValueError("1e999", column: 5, message: "too large") { try $0.float() }
  }

  func testBooleans() throws {
    for text in ["true", "yes", "on", "TRUE", "On"] { XCTAssertTrue(try value(text).boolean(), text) }
    for text in ["false", "no", "off", "No"] { XCTAssertFalse(try value(text).boolean(), text) }
    assertValueError("1", column: 5, message: "write true/false, yes/no or on/off") { try $0.boolean() }
  }

  func testChoicesSuggestTheNearestName() throws {
    let metrics = ["logit-diff", "prob", "kl"]
    XCTAssertEqual(try value("prob").choice(metrics), "prob")
    assertValueError("logit-dif", column: 5, message: "unknown metric 'logit-dif'; did you mean 'logit-diff'? (one of: logit-diff, prob, kl)") {
      try $0.choice(metrics, noun: "metric")
    }
    assertValueError("Prob", column: 5, message: "did you mean 'prob'?") { try $0.choice(metrics) }
    assertValueError("prov", column: 5, message: "did you mean 'prob'?") { try $0.choice(metrics) }
    assertValueError("kk", column: 5, message: "did you mean 'kl'?") { try $0.choice(metrics) }
    assertValueError("lgoit-diff", column: 5, message: "did you mean 'logit-diff'?") { try $0.choice(metrics) }
    assertValueError("entropy", column: 5, message: "unknown value 'entropy' (one of") { try $0.choice(metrics) }
    // Two edits from "kl" would be any two-letter word; a suggestion needs fewer edits than letters.
    assertValueError("xy", column: 5, message: "unknown value 'xy' (one of") { try $0.choice(metrics) }
  }

  func testHeadListsResolveInTheOrderWritten() throws {
    XCTAssertEqual(try value("9.9,9.6,10.0").headPattern().resolve(layers: 12, heads: 12), heads([(9, 9), (9, 6), (10, 0)]))
    XCTAssertEqual(try value("9.6,9.*").headPattern().resolve(layers: 12, heads: 12), heads([(9, 6)] + (0..<12).filter { $0 != 6 }.map { (9, $0) }))
  }

  func testHeadRanges() throws {
    XCTAssertEqual(try value("10.*").headPattern().resolve(layers: 12, heads: 12), heads((0..<12).map { (10, $0) }))
    XCTAssertEqual(try value("*.3").headPattern().resolve(layers: 12, heads: 12), heads((0..<12).map { ($0, 3) }))
    XCTAssertEqual(try value("3-5.0-1").headPattern().resolve(layers: 12, heads: 12), heads([(3, 0), (3, 1), (4, 0), (4, 1), (5, 0), (5, 1)]))
    XCTAssertEqual(try value("*.*").headPattern().resolve(layers: 12, heads: 12).count, 144)
    XCTAssertEqual(try value("11.11").headPattern().resolve(layers: 12, heads: 12), heads([(11, 11)]))
    XCTAssertEqual(try value("3-5.0-1,*.3").headPattern().description, "3-5.0-1,*.3")
  }

  func testHeadsOutOfRangePointAtTheirPart() {
    assertValueError("9.6,12.0", column: 9, message: "layer 12 is out of range (0-11, 12 layers)") {
      try $0.headPattern().resolve(layers: 12, heads: 12)
    }
    assertValueError("9.6,10.12", column: 12, message: "head 12 is out of range (0-11, 12 heads per layer)") {
      try $0.headPattern().resolve(layers: 12, heads: 12)
    }
    assertValueError("*.12", column: 7, message: "head 12 is out of range") { try $0.headPattern().resolve(layers: 12, heads: 12) }
    assertValueError("10-12.*", column: 5, message: "layers 10-12 go out of range (0-11, 12 layers)") {
      try $0.headPattern().resolve(layers: 12, heads: 12)
    }
    assertValueError("0.0", column: 5, message: "there are no layers") { try $0.headPattern().resolve(layers: 0, heads: 12) }
  }

  func testMalformedHeadLists() {
    assertValueError("9", column: 5, message: "'9' is not a head: write layer.head") { try $0.headPattern() }
    assertValueError("9.6.1", column: 5, message: "is not a head") { try $0.headPattern() }
    assertValueError("9.6,a.b", column: 9, message: "'a' is not a layer") { try $0.headPattern() }
    assertValueError("9.", column: 7, message: "'' is not a head") { try $0.headPattern() }
    assertValueError(",9.6", column: 5, message: "an empty item in the head list") { try $0.headPattern() }
    assertValueError("9.6,", column: 9, message: "an empty item") { try $0.headPattern() }
    assertValueError("9.6,,1.0", column: 9, message: "an empty item") { try $0.headPattern() }
    assertValueError("5-3.0", column: 5, message: "range 5-3 is empty; write the smaller layer first") { try $0.headPattern() }
    assertValueError("1.2-", column: 9, message: "'2-' is not a head") { try $0.headPattern() }
    assertValueError("-1.0", column: 5, message: "'-1' is not a layer") { try $0.headPattern() }
    assertValueError(#""""#, column: 5, message: "an empty head list") { try $0.headPattern() }
  }

  /// Inside quotes with escapes, a column still points at the source: `\u{31}` is the `1` of `12`.
  func testErrorColumnsInsideEscapedValuesPointAtTheSource() {
    assertValueError(#""9.6,\u{31}2.0""#, column: 10, message: "layer 12 is out of range") {
      try $0.headPattern().resolve(layers: 12, heads: 12)
    }
  }

  func testLayerLists() throws {
    XCTAssertEqual(try value("3-5").layerList().resolve(count: 12), [3, 4, 5])
    XCTAssertEqual(try value("7,3-4,3").layerList().resolve(count: 12), [7, 3, 4])
    XCTAssertEqual(try value("*").layerList().resolve(count: 12), Array(0..<12))
    assertValueError("0,11-12", column: 7, message: "layers 11-12 go out of range (0-11, 12 layers)") {
      try $0.layerList().resolve(count: 12)
    }
    assertValueError("3-", column: 7, message: "'3-' is not a layer") { try $0.layerList() }
  }

  func testPositionLists() throws {
    XCTAssertEqual(try value("3,7,10").positionList().resolve(count: 11), [3, 7, 10])
    XCTAssertEqual(try value("3,7,10").positionList().description, "3,7,10")
    assertValueError("3,7,10", column: 9, message: "position 10 is out of range (0-9, 10 positions)") {
      try $0.positionList().resolve(count: 10)
    }
    assertValueError("3,x", column: 7, message: "'x' is not a position") { try $0.positionList() }
  }

  func testStandaloneTokensReportColumnsInTheirOwnText() throws {
    let error = try XCTUnwrap(parseError { try LineToken(standalone: "1.0,2.x").headPattern() })
    XCTAssertEqual(error.column, 7)
    XCTAssertEqual(error.line, "1.0,2.x")
  }
}
