import Foundation

/// A moment in a session's history, to the millisecond, written as UTC ISO 8601
/// (`2026-12-01T00:45:51.123Z`). Kept as whole milliseconds since 1970 so that reading a file and
/// writing it again gives the same bytes (a `Date` would round through a Double).
public struct SessionTime: Codable, Comparable, Hashable, Sendable, CustomStringConvertible {
  public var millisecondsSince1970: Int64

  public init(millisecondsSince1970: Int64) { self.millisecondsSince1970 = millisecondsSince1970 }

  public init(_ date: Date) {
    millisecondsSince1970 = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
  }

  public static var now: SessionTime { SessionTime(Date()) }

  public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

  public static func < (a: SessionTime, b: SessionTime) -> Bool { a.millisecondsSince1970 < b.millisecondsSince1970 }

  /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
  public var description: String {
    let ms = millisecondsSince1970
    let days = ms >= 0 ? ms / 86_400_000 : -((-ms + 86_399_999) / 86_400_000)
    let inDay = ms - days * 86_400_000
    let (y, m, d) = SessionTime.civil(fromDays: days)
    func pad(_ v: Int64, _ width: Int) -> String {
      let s = String(v)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(inDay / 3_600_000, 2)):\(pad(inDay / 60_000 % 60, 2)):"
      + "\(pad(inDay / 1000 % 60, 2)).\(pad(inDay % 1000, 3))Z"
  }

  /// Parses exactly the form `description` writes (years 0000-9999).
  public init?(iso8601 text: String) {
    let b = Array(text.utf8)
    guard b.count == 24, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
      b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "."), b[23] == UInt8(ascii: "Z")
    else { return nil }
    func number(_ range: Range<Int>) -> Int64? {
      var v: Int64 = 0
      for i in range {
        guard b[i] >= 48, b[i] <= 57 else { return nil }
        v = v * 10 + Int64(b[i] - 48)
      }
      return v
    }
    guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
      let mi = number(14..<16), let s = number(17..<19), let ms = number(20..<23),
      (1...12).contains(mo), d >= 1, d <= SessionTime.daysInMonth(year: y, month: mo), h < 24, mi < 60, s < 60
    else { return nil }
    let days = SessionTime.days(fromCivil: y, mo, d)
    millisecondsSince1970 = ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let time = SessionTime(iso8601: text) else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text.debugDescription) is not a UTC time like 2026-12-01T00:45:51.123Z")
    }
    self = time
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  // Days from 1970-01-01 and back, proleptic Gregorian (H. Hinnant, "chrono-Compatible Low-Level
  // Date Algorithms").
  static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  static func daysInMonth(year: Int64, month: Int64) -> Int64 {
    if month == 2 { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28 }
    return [4, 6, 9, 11].contains(month) ? 30 : 31
  }
}
