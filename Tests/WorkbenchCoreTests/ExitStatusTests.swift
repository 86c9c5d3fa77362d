import WorkbenchCore
import XCTest

final class ExitStatusTests: XCTestCase {
  /// The documented table: 0 ok, 1 check mismatch, 2 failure, 64 usage (sysexits' EX_USAGE, which
  /// swift-argument-parser uses).
  func testTheCodesAreTheDocumentedOnes() {
    XCTAssertEqual(ExitStatus.allCases.map(\.rawValue), [0, 1, 2, 64])
    for status in ExitStatus.allCases { XCTAssertFalse(status.meaning.isEmpty) }
  }
}
