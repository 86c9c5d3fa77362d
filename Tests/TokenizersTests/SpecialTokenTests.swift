import Tokenizers
import XCTest

final class SpecialTokenTests: XCTestCase {
  private var tokenizer: BPETokenizer { TokenizerFixtures.gpt2 }

  func testEndOfTextIsMatchedInsideText() {
    XCTAssertEqual(tokenizer.endOfTextID, 50256)
    XCTAssertEqual(tokenizer.encode("<|endoftext|>"), [50256])
    XCTAssertEqual(tokenizer.encode("a<|endoftext|>b"), [64, 50256, 65])
    // Text on either side is tokenized separately: the space before the
    // token does not attach to anything.
    XCTAssertEqual(tokenizer.encode("Hello <|endoftext|> world"), [15496, 220, 50256, 995])
    // Near misses are ordinary text.
    XCTAssertFalse(tokenizer.encode("<|endoftext|").contains(50256))
    XCTAssertFalse(tokenizer.encode("<|ENDOFTEXT|>").contains(50256))
  }

  func testPrependBOS() {
    let plain = tokenizer.encode("Hello world")
    XCTAssertEqual(plain, [15496, 995])
    XCTAssertEqual(tokenizer.encode("Hello world", prependBOS: true), [50256, 15496, 995])
    XCTAssertEqual(tokenizer.encode("", prependBOS: true), [50256])
    XCTAssertEqual(tokenizer.encode(""), [])
  }

  func testTokenTextAndLookup() {
    let mary = tokenizer.id(of: " Mary")
    XCTAssertEqual(mary, 5335)
    XCTAssertEqual(tokenizer.tokenText(5335), " Mary")
    XCTAssertEqual(tokenizer.vocabularyEntry(5335), "\u{120}Mary")
    XCTAssertEqual(tokenizer.id(ofVocabularyEntry: "\u{120}Mary"), 5335)
    XCTAssertEqual(tokenizer.id(of: "<|endoftext|>"), 50256)
    XCTAssertNil(tokenizer.id(of: " Mary and John"), "several tokens")
    XCTAssertNil(tokenizer.id(of: "\u{120}Mary"), "id(of:) takes plain text, not the byte-level form")
    XCTAssertEqual(tokenizer.tokenText(50256), "<|endoftext|>")
    XCTAssertEqual(tokenizer.tokenText(-1), "")
    XCTAssertEqual(tokenizer.tokenText(50257), "")
    // A token holding part of a multi-byte character shows U+FFFD.
    XCTAssertEqual(tokenizer.tokenText(5099), "\u{FFFD}")
    XCTAssertEqual(tokenizer.decodeBytes([5099, 222]), [0xE3, 0x80, 0x80])
    XCTAssertEqual(tokenizer.decode([5099, 222]), "\u{3000}")
    XCTAssertEqual(tokenizer.decode([15496, 99_999, 995]), "Hello world", "unknown ids are skipped")
  }

  func testExplainShowsMerges() throws {
    let steps = tokenizer.explain("Hello<|endoftext|> Mary")
    XCTAssertEqual(steps.map(\.piece), ["Hello", "<|endoftext|>", " Mary"])
    XCTAssertEqual(steps.map(\.isAddedToken), [false, true, false])
    let mary = try XCTUnwrap(steps.last)
    XCTAssertEqual(mary.bytes, Array(" Mary".utf8))
    XCTAssertEqual(mary.mapped, "\u{120}Mary")
    XCTAssertEqual(mary.symbols, ["\u{120}Mary"])
    XCTAssertEqual(mary.ids, [5335])
    XCTAssertEqual(mary.merges.count, 4, "5 byte symbols need 4 merges")
    XCTAssertEqual(mary.merges.last?.result, "\u{120}Mary")
    XCTAssertEqual(mary.merges.last?.resultID, 5335)
    let ranks = mary.merges.map(\.rank)
    XCTAssertEqual(Set(ranks).count, ranks.count)
    for merge in mary.merges {
      XCTAssertEqual(merge.left + merge.right, merge.result)
    }
  }

  func testAddedTokensFromTokenizerJSON() throws {
    let tiny = try BPETokenizer(
      tokenizerJSONFile: TokenizerFixtures.tinyDirectory.appendingPathComponent("tokenizer.json"))
    // lstrip swallows whitespace before <mask>; the whitespace is lost.
    XCTAssertEqual(tiny.encode("x   <mask>"), [89, 400])
    XCTAssertEqual(tiny.decode([89, 400]), "x<mask>")
    // Leftmost-longest: "[A][B]" wins over "[A]".
    XCTAssertEqual(tiny.encode("[A][B]"), [403])
    // single_word: "xyz" glued to letters is not the added token.
    XCTAssertEqual(tiny.encode("xyz"), [404])
    XCTAssertFalse(tiny.encode("axyz").contains(404))
    let special = tiny.addedTokens.filter(\.isSpecial).map(\.content)
    XCTAssertEqual(special, ["<|endoftext|>", "<pad>", "<mask>", "<|\u{FC}|>", "[A]", "[A][B]"])
  }
}
