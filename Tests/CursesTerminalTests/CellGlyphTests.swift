import CursesTerminal
import XCTest

final class CellGlyphTests: XCTestCase {
  override func setUp() {
    setlocale(LC_CTYPE, "C.UTF-8")  // wcwidth needs a UTF-8 locale, as NCursesTerminal sets one
  }

  func testOneColumnCharactersPassThrough() {
    XCTAssertEqual(CellGlyph.wideCharacters("a"), [97, 0])
    XCTAssertEqual(CellGlyph.wideCharacters("▀"), [0x2580, 0])
    XCTAssertEqual(CellGlyph.wideCharacters("█"), [0x2588, 0])
    XCTAssertEqual(CellGlyph.wideCharacters("e\u{301}"), [0x65, 0x301, 0], "a combining accent stays with its letter")
  }

  func testCharactersThatAreNotOneColumnBecomeQuestionMarks() {
    XCTAssertEqual(CellGlyph.wideCharacters("語"), [63, 0], "double width")
    XCTAssertEqual(CellGlyph.wideCharacters("\t"), [63, 0], "control character")
  }
}
