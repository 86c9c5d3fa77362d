import Tokenizers
import XCTest

/// The real GPT-2 tokenizer against Hugging Face's ids on every committed string.
final class GPT2ReferenceTests: XCTestCase {
  private var reference: GPT2Reference!
  private var tokenizer: BPETokenizer { TokenizerFixtures.gpt2 }

  override func setUpWithError() throws {
    reference = try TokenizerFixtures.decodeJSON(GPT2Reference.self, "gpt2_reference.json")
  }

  func testFixtureIsSubstantial() {
    XCTAssertGreaterThanOrEqual(reference.cases.count, 300)
    XCTAssertGreaterThanOrEqual(reference.decode_cases.count, 100)
  }

  func testIdsMatchHuggingFaceOnEveryString() {
    var failures = 0
    for item in reference.cases {
      let ids = tokenizer.encode(item.text)
      if ids != item.ids {
        failures += 1
        if failures <= 10 {
          XCTFail("\(visible(item.text)): got \(ids.prefix(30)), HF \(item.ids.prefix(30))")
        }
      }
    }
    XCTAssertEqual(failures, 0, "\(failures) of \(reference.cases.count) strings differ from HF")
  }

  func testPiecesMatchHuggingFacePreTokenizer() {
    var failures = 0
    for item in reference.cases {
      let mapped = tokenizer.explain(item.text).map(\.mapped)
      if mapped != item.pieces {
        failures += 1
        if failures <= 10 {
          XCTFail("\(visible(item.text)): pieces \(mapped.prefix(12)) vs HF \(item.pieces.prefix(12))")
        }
      }
    }
    XCTAssertEqual(failures, 0)
  }

  func testDecodeMatchesHuggingFace() {
    for item in reference.cases {
      XCTAssertEqual(tokenizer.decode(item.ids), item.decoded, visible(item.text))
    }
  }

  func testLossyDecodeOfArbitraryIdsMatchesHuggingFace() {
    var invalid = 0
    for item in reference.decode_cases {
      XCTAssertEqual(tokenizer.decode(item.ids), item.decoded, "ids \(item.ids)")
      if item.decoded.unicodeScalars.contains("\u{FFFD}") { invalid += 1 }
    }
    XCTAssertGreaterThan(invalid, 20, "the fixture should exercise invalid UTF-8")
  }

  func testExplainAccountsForEveryId() {
    for item in reference.cases.prefix(200) {
      let steps = tokenizer.explain(item.text)
      XCTAssertEqual(steps.flatMap(\.ids), item.ids, visible(item.text))
      XCTAssertEqual(steps.flatMap(\.bytes), Array(item.text.utf8), visible(item.text))
    }
  }

  func testVocabularySizeMatchesHuggingFace() {
    XCTAssertEqual(tokenizer.vocabularySize, reference.vocabulary_size)
    XCTAssertEqual(tokenizer.vocabularySize, 50257)
  }
}
