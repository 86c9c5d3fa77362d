import CursesTerminal
import XCTest

final class PaletteReductionTests: XCTestCase {
  func testPaletteValuesFollowXterm() {
    XCTAssertTrue(PaletteReduction.rgb(16) == (0, 0, 0))
    XCTAssertTrue(PaletteReduction.rgb(52) == (95, 0, 0))
    XCTAssertTrue(PaletteReduction.rgb(214) == (255, 175, 0))
    XCTAssertTrue(PaletteReduction.rgb(231) == (255, 255, 255))
    XCTAssertTrue(PaletteReduction.rgb(232) == (8, 8, 8))
    XCTAssertTrue(PaletteReduction.rgb(255) == (238, 238, 238))
  }

  func testIndicesTheTerminalHasAreKept() {
    for index in 0..<256 { XCTAssertEqual(PaletteReduction.reduce(index, paletteSize: 256), index) }
    for index in 0..<8 { XCTAssertEqual(PaletteReduction.reduce(index, paletteSize: 8), index) }
    XCTAssertEqual(PaletteReduction.reduce(12, paletteSize: 16), 12)
  }

  func testEightColourTerminalsGetTheNearestBasicColour() {
    let expected: [(index: Int, basic: Int, what: String)] = [
      (9, 1, "bright red"), (15, 7, "bright white"), (8, 0, "bright black"),
      (16, 0, "cube black"), (196, 1, "pure red"), (46, 2, "pure green"), (21, 4, "pure blue"),
      (226, 3, "pure yellow"), (201, 5, "pure magenta"), (51, 6, "pure cyan"), (231, 7, "cube white"),
      (52, 1, "dark red keeps its hue"), (17, 4, "navy keeps its hue"), (22, 2, "dark green keeps its hue"),
      (202, 1, "orange-red"), (220, 3, "gold"), (230, 7, "cream is nearly grey"), (223, 3, "pale peach"),
      (33, 6, "dodger blue: its green is in the upper half"), (45, 6, "turquoise"), (24, 6, "deep sky blue"), (26, 4, "dodger blue 3"),
      (234, 0, "dark grey"), (244, 0, "mid grey below half luminance"), (250, 7, "light grey"), (255, 7, "near white"),
    ]
    for (index, basic, what) in expected {
      XCTAssertEqual(PaletteReduction.reduce(index, paletteSize: 8), basic, "\(index) (\(what))")
    }
    for index in 0..<256 { XCTAssertTrue((0..<8).contains(PaletteReduction.reduce(index, paletteSize: 8)), "\(index)") }
    XCTAssertEqual(PaletteReduction.reduce(196, paletteSize: 16), 1, "a 16-colour terminal reduces the cube to basic colours")
  }
}
