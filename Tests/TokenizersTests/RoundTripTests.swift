import Foundation
import Tokenizers
import XCTest

final class RoundTripTests: XCTestCase {
  private var tokenizer: BPETokenizer { TokenizerFixtures.gpt2 }

  func testRandomStringsRoundTrip() {
    var random = TestRandom(seed: 2024)
    for _ in 0..<2000 {
      let text = RandomText.string(using: &random, maxLength: 50)
      let ids = tokenizer.encode(text)
      XCTAssertEqual(tokenizer.decode(ids), text, visible(text))
      XCTAssertEqual(tokenizer.decodeBytes(ids), Array(text.utf8), visible(text))
    }
  }

  func testRandomScalarsRoundTrip() {
    var random = TestRandom(seed: 7)
    for _ in 0..<500 {
      var scalars = String.UnicodeScalarView()
      for _ in 0..<Int.random(in: 1...30, using: &random) {
        var value = UInt32.random(in: 0...0x10FFFF, using: &random)
        if (0xD800...0xDFFF).contains(value) { value = 0xFFFD }
        scalars.append(Unicode.Scalar(value)!)
      }
      let text = String(scalars)
      XCTAssertEqual(tokenizer.decode(tokenizer.encode(text)), text, visible(text))
    }
  }

  func testLongInputsRoundTrip() {
    let word = String(repeating: "abcdefghij", count: 2000)
    let ids = tokenizer.encode(word)
    XCTAssertEqual(tokenizer.decode(ids), word)
    XCTAssertLessThan(ids.count, word.utf8.count / 2)
    let emoji = String(repeating: "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} ", count: 500)
    XCTAssertEqual(tokenizer.decode(tokenizer.encode(emoji)), emoji)
  }

  func testPieceCacheDoesNotChangeResults() throws {
    let text = "When Mary and John went to the store, John gave a drink to Mary."
    let first = tokenizer.encode(text)
    let fresh = try BPETokenizer(
      vocabularyFile: TokenizerFixtures.gpt2Directory.appendingPathComponent("vocab.json"),
      mergesFile: TokenizerFixtures.gpt2Directory.appendingPathComponent("merges.txt"))
    XCTAssertEqual(fresh.encode(text), first)
    XCTAssertEqual(fresh.encode(text), first)
    XCTAssertEqual(first, [2215, 5335, 290, 1757, 1816, 284, 262, 3650, 11, 1757, 2921, 257, 4144, 284, 5335, 13])
  }

  func testConcurrentEncodingIsConsistent() {
    var random = TestRandom(seed: 99)
    let texts = (0..<64).map { _ in RandomText.string(using: &random, maxLength: 80) }
    let expected = texts.map { tokenizer.encode($0) }
    let fresh = try! BPETokenizer(
      vocabularyFile: TokenizerFixtures.gpt2Directory.appendingPathComponent("vocab.json"),
      mergesFile: TokenizerFixtures.gpt2Directory.appendingPathComponent("merges.txt"))
    let results = ResultBox(count: texts.count * 4)
    DispatchQueue.concurrentPerform(iterations: texts.count * 4) { index in
      results.set(index, fresh.encode(texts[index % texts.count]))
    }
    for index in 0..<(texts.count * 4) {
      XCTAssertEqual(results.get(index), expected[index % texts.count])
    }
  }
}

/// Thread-safe result slots for the concurrency test.
private final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [[Int]]

  init(count: Int) { values = Array(repeating: [], count: count) }

  func set(_ index: Int, _ value: [Int]) {
    lock.lock()
    values[index] = value
    lock.unlock()
  }

  func get(_ index: Int) -> [Int] {
    lock.lock()
    defer { lock.unlock() }
    return values[index]
  }
}
