import Foundation
import Tokenizers
import XCTest

/// Prints encoding speed; asserts only correctness, never time.
final class PerformanceTests: XCTestCase {
  func testEncodingSpeedIsReported() throws {
    let reference = try TokenizerFixtures.decodeJSON(GPT2Reference.self, "gpt2_reference.json")
    let paragraph = reference.cases.map(\.text).filter { $0.count > 100 && $0.unicodeScalars.allSatisfy(\.isASCII) }
      .joined(separator: "\n")
    var text = ""
    var random = TestRandom(seed: 5)
    let words = paragraph.split(separator: " ")
    while text.utf8.count < 512 * 1024 {
      text += words[Int.random(in: 0..<words.count, using: &random)] + " "
      if Int.random(in: 0..<40, using: &random) == 0 { text += "\n\n" }
    }
    let tokenizer = try BPETokenizer(
      vocabularyFile: TokenizerFixtures.gpt2Directory.appendingPathComponent("vocab.json"),
      mergesFile: TokenizerFixtures.gpt2Directory.appendingPathComponent("merges.txt"))
    let start = Date()
    let ids = tokenizer.encode(text)
    let seconds = Date().timeIntervalSince(start)
    let megabytes = Double(text.utf8.count) / 1_048_576
    print(String(format: "BPETokenizer.encode: %.2f MB in %.3f s = %.2f MB/s (%d tokens, cold cache)",
                 megabytes, seconds, megabytes / seconds, ids.count))
    XCTAssertEqual(tokenizer.decode(ids), text)
  }
}
