import Foundation
import WorkbenchTUI
import XCTest

/// The README's key table is the key map's.
final class READMEKeyTableTests: XCTestCase {
  func testREADMEKeyTableIsGeneratedFromTheKeyMap() throws {
    let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md").standardized
    let text = try String(contentsOf: readme, encoding: .utf8)
    let start = "<!-- workbench keys: generated from KeyMap.markdownTable -->\n"
    let end = "\n<!-- end of workbench keys -->"
    let table = KeyMap.markdownTable
    try Data(table.utf8).write(to: FileManager.default.temporaryDirectory.appendingPathComponent("headlab-key-table.md"))
    guard let a = text.range(of: start), let b = text.range(of: end, range: a.upperBound..<text.endIndex) else {
      return XCTFail("README.md lacks the generated key table markers")
    }
    XCTAssertEqual(String(text[a.upperBound..<b.lowerBound]), table, "README.md's key table is stale: the fresh one is in $TMPDIR/headlab-key-table.md")
  }
}
