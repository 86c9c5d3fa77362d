import XCTest
import CircuitAnalysis
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

/// Class labels in the head grid (causal head gating's facilitating / interfering / irrelevant /
/// ambiguous) get distinct symbols and roles, readable without colour.
final class HeadGridLabelTests: XCTestCase {
  func testLabelsDrawAsDistinctSymbols() throws {
    let labels = ["facilitating", "interfering", "irrelevant", "ambiguous"]
    let result = AnalysisResult(
      kind: "chg.labels", axes: [.layers(1), .heads(4)], values: ResultGrid(shape: [1, 4], cells: labels.map { .token($0) }),
      params: [:], model: ModelIdentity(name: "test", sha256: String(repeating: "0", count: 64)))
    var state = AppState(columns: 80, rows: 24)
    state.engine.layers = 1
    state.engine.heads = 4
    state.engine.gridResults = [result]
    state.view.head = 3
    let narrow = ScreenRenderer.render(.grid, state, columns: 12, rows: 6)
    let row = narrow.text.split(separator: "\n")[2]
    XCTAssertTrue(row.contains("+−·?"), "one symbol per class: \(row)")
    let wide = ScreenRenderer.render(.grid, state, columns: 40, rows: 6).text
    XCTAssertTrue(wide.contains("+ faci") && wide.contains("− inte"), wide)
    XCTAssertNotEqual(narrow[4, 2].role, narrow[5, 2].role, "facilitating and interfering differ in role too")
  }
}
