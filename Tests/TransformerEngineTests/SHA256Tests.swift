import Foundation
import TransformerEngine
import XCTest

/// SHA-256 against the FIPS 180-4 example digests and `sha256sum`-style known answers.
final class SHA256Tests: XCTestCase {
  func testKnownAnswers() {
    XCTAssertEqual(SHA256.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(SHA256.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)),
                   "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// Fed in uneven pieces (across block boundaries), the digest is that of the whole.
  func testStreamingInPiecesEqualsOneShot() {
    let bytes = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
    var hasher = SHA256()
    var offset = 0
    for size in [1, 63, 64, 65, 0, 130, 677] {
      hasher.update(bytes[offset..<(offset + size)])
      offset += size
    }
    XCTAssertEqual(offset, 1000)
    XCTAssertEqual(hasher.finalizeHex(), SHA256.hex(bytes))
  }
}
