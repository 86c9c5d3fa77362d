import XCTest
import WorkbenchTUI

final class CellGridTests: XCTestCase {
  func testPutClipsAtTheLimitAndTheEdge() {
    var grid = CellGrid(columns: 6, rows: 2)
    XCTAssertEqual(grid.put("abcdef", column: 1, row: 0, limit: 3), 4)
    grid.put("xyz", column: 4, row: 1, role: .selected)
    XCTAssertEqual(grid.text, " abc\n    xy\n")
    XCTAssertEqual(grid[4, 1].role, .selected)
    grid.put("q", column: -1, row: 5)
    XCTAssertEqual(grid.text, " abc\n    xy\n")
  }

  func testHeatLevels() {
    XCTAssertEqual(StyleRole.heat(level: 0), .heat0)
    XCTAssertEqual(StyleRole.heat(level: 1), .heat1)
    XCTAssertEqual(StyleRole.heat(level: 9), .heat6)
    XCTAssertEqual(StyleRole.heat(level: 3, negative: true), .cool3)
  }
}
