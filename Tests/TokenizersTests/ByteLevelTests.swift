import Tokenizers
import XCTest

final class ByteLevelTests: XCTestCase {
  func testPrintableBytesMapToThemselvesAndTheRestAbove255() {
    let identity = (0..<256).filter { ByteLevel.scalars[$0].value == UInt32($0) }
    XCTAssertEqual(identity.count, 188)
    let shifted = (0..<256).filter { ByteLevel.scalars[$0].value >= 256 }.map { ByteLevel.scalars[$0].value }
    XCTAssertEqual(shifted, Array(256..<(256 + 68)), "the other 68 bytes take chr(256+n) in byte order")
    XCTAssertEqual(ByteLevel.scalars[0x20], "\u{120}")  // Ġ
    XCTAssertEqual(ByteLevel.scalars[0x0A], "\u{10A}")  // Ċ
    XCTAssertEqual(ByteLevel.scalars[0x00], "\u{100}")
    XCTAssertEqual(ByteLevel.scalars[0xAD], "\u{143}")  // soft hyphen is the last one
    XCTAssertEqual(ByteLevel.scalars[0x41], "A")
  }

  func testInverse() {
    for byte in 0..<256 {
      XCTAssertEqual(ByteLevel.byte(for: ByteLevel.scalars[byte]), UInt8(byte))
    }
    XCTAssertNil(ByteLevel.byte(for: " "))
    XCTAssertNil(ByteLevel.byte(for: "\u{144}"))
    XCTAssertEqual(ByteLevel.encode(Array(" Mary".utf8)), "\u{120}Mary")
    XCTAssertEqual(ByteLevel.decode("\u{120}Mary"), Array(" Mary".utf8))
    XCTAssertNil(ByteLevel.decode("a b"))
  }
}
