import CircuitAnalysis
import XCTest

/// The one-pass top-k agrees with a full sort (largest first, ties to the lower index).
final class TopKTests: XCTestCase {
  func testAgreesWithAFullSortIncludingTies() {
    var state: UInt64 = 7
    for trial in 0..<200 {
      let n = 1 + trial % 50
      // Few distinct values, so ties are common.
      let values = (0..<n).map { _ -> Float in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int(state >> 60) - 8) / 2
      }
      for k in [0, 1, 3, n, n + 5] {
        let sorted = Array(values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(k))
        XCTAssertEqual(TopK.indices(values, count: k), sorted, "k \(k) of \(values)")
      }
    }
  }
}
