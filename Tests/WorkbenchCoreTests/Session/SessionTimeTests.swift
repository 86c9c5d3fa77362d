import Foundation
import WorkbenchCore
import XCTest

/// History times: UTC ISO 8601 to the millisecond, checked against Foundation's formatter.
final class SessionTimeTests: XCTestCase {
  func testTimesMatchFoundationsISO8601AndRoundTrip() throws {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    formatter.timeZone = TimeZone(identifier: "UTC")
    let samples: [Int64] = [0, 1, 951_782_399_999, 951_868_800_000, 1_764_549_951_123, 4_107_542_399_999, 253_402_300_799_999, 68_169_600_000]
    for ms in samples {
      let time = SessionTime(millisecondsSince1970: ms)
      XCTAssertEqual(time.description, formatter.string(from: time.date), "\(ms)")
      XCTAssertEqual(SessionTime(iso8601: time.description), time)
    }
    XCTAssertEqual(SessionTime(iso8601: "2000-02-29T23:59:59.999Z")?.millisecondsSince1970, 951_868_799_999)
    for bad in ["2001-02-29T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-12-01 00:00:00.000Z", "2026-12-01T24:00:00.000Z", "2026-12-01T00:00:00Z"] {
      XCTAssertNil(SessionTime(iso8601: bad), bad)
    }
  }
}
