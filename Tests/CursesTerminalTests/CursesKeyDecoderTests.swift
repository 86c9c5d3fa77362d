import CNCurses
import CursesTerminal
import WorkbenchTUI
import XCTest

final class CursesKeyDecoderTests: XCTestCase {
  private func character(_ value: UInt32) -> CursesInput? { CursesKeyDecoder.decode(status: OK, value: value) }
  private func keyCode(_ code: Int32) -> CursesInput? { CursesKeyDecoder.decode(status: KEY_CODE_YES, value: UInt32(code)) }

  func testControlBytesAreKeys() {
    XCTAssertEqual(character(3), .key(.control("c")), "Ctrl-C arrives as a key in raw mode")
    XCTAssertEqual(character(1), .key(.control("a")))
    XCTAssertEqual(character(26), .key(.control("z")))
    XCTAssertEqual(character(9), .key(.tab))
    XCTAssertEqual(character(10), .key(.enter))
    XCTAssertEqual(character(13), .key(.enter))
    XCTAssertEqual(character(27), .key(.escape))
    XCTAssertEqual(character(127), .key(.backspace))
    XCTAssertEqual(character(8), .key(.backspace))
    XCTAssertEqual(character(0), .key(.control("@")))
    XCTAssertEqual(character(31), .key(.control("_")))
  }

  func testCharactersIncludingWideOnes() {
    XCTAssertEqual(character(0x71), .key(.character("q")))
    XCTAssertEqual(character(0xE9), .key(.character("é")))
    XCTAssertEqual(character(0x8A9E), .key(.character("語")))
    XCTAssertNil(character(0xD800), "a lone surrogate is no character")
    XCTAssertNil(CursesKeyDecoder.decode(status: ERR, value: 0x71))
  }

  func testKeypadCodes() {
    let expected: [(Int32, Key)] = [
      (KEY_UP, .up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right), (KEY_HOME, .home), (KEY_END, .end),
      (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown), (KEY_BTAB, .backTab), (KEY_BACKSPACE, .backspace),
      (KEY_DC, .delete), (KEY_ENTER, .enter), (headlab_key_f(1), .function(1)), (headlab_key_f(12), .function(12)),
    ]
    for (code, key) in expected { XCTAssertEqual(keyCode(code), .key(key), "KEY code \(code)") }
    XCTAssertEqual(keyCode(KEY_RESIZE), .resize)
    XCTAssertEqual(keyCode(KEY_MOUSE), .mouse)
    XCTAssertNil(keyCode(KEY_IC), "Insert has no Key and is skipped")
  }
}
