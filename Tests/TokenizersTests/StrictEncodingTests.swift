import Foundation
import Tokenizers
import XCTest

/// `encodeStrict`, and what `encode` does with bytes missing from the
/// vocabulary. The committed fixtures have all 256 byte symbols, so a
/// reduced vocabulary is built here: a trained one without the symbols of
/// bytes 0x7A ("z"), 0xC3 (lead byte of "é", "ë", …) and 0xCC (lead byte of
/// U+0300…U+033F), nor any entry or merge containing them.
final class StrictEncodingTests: XCTestCase {
  private static let removedBytes: [UInt8] = [0x7A, 0xC3, 0xCC]

  private static let reduced: BPETokenizer = {
    do {
      let corpus = SmallCorpus.documents() + ["lazy zebras zigzag", "Zoë's café"]
      let full = try BPETrainer.train(texts: corpus, vocabularySize: 450)
      let directory = try temporaryDirectory()
      try full.write(to: directory)
      let removed = Set(removedBytes.map { Character(ByteLevel.scalars[Int($0)]) })
      let keep = { (token: Substring) in token == "<|endoftext|>" || !token.contains(where: removed.contains) }
      let vocabularyURL = directory.appendingPathComponent("vocab.json")
      let vocabulary = try JSONSerialization.jsonObject(with: Data(contentsOf: vocabularyURL)) as! [String: Int]
      let kept = vocabulary.filter { keep(Substring($0.key)) }
      precondition(kept.count < vocabulary.count - 3)
      try JSONSerialization.data(withJSONObject: kept).write(to: vocabularyURL)
      let mergesURL = directory.appendingPathComponent("merges.txt")
      let lines = try String(contentsOf: mergesURL, encoding: .utf8).split(separator: "\n")
      let keptLines = [lines[0]] + lines.dropFirst().filter { $0.split(separator: " ").allSatisfy(keep) }
      try (keptLines.joined(separator: "\n") + "\n").write(to: mergesURL, atomically: true, encoding: .utf8)
      return try BPETokenizer.load(directory: directory)
    } catch {
      fatalError("cannot build the reduced tokenizer: \(error)")
    }
  }()

  /// As in Hugging Face `tokenizers` (BPE without `unk_token`, which is how
  /// `transformers` loads GPT-2's two files): missing bytes are dropped
  /// before merging, so their neighbours may merge.
  func testEncodeDropsMissingBytesLikeHuggingFace() {
    let tokenizer = Self.reduced
    XCTAssertNil(tokenizer.id(of: "z"))
    XCTAssertNotNil(tokenizer.id(of: "a"))
    XCTAssertEqual(tokenizer.decode(tokenizer.encode("the zoo")), "the oo")
    XCTAssertEqual(tokenizer.decode(tokenizer.encode("lazy")), "lay")
    XCTAssertEqual(tokenizer.encode("z"), [])
    XCTAssertEqual(tokenizer.encode("lazy"), tokenizer.encode("lay"))
    // "é" is C3 A9: only A9 survives, which alone is not UTF-8.
    XCTAssertEqual(tokenizer.encode("é"), [tokenizer.id(ofVocabularyEntry: "©")!])
    XCTAssertEqual(tokenizer.decode(tokenizer.encode("café")), "caf\u{FFFD}")
  }

  func testEncodeStrictNamesTheFirstUnrepresentableCharacter() {
    let tokenizer = Self.reduced
    let text = "ok\nline two\r\nlazy zebra"
    XCTAssertThrowsError(try tokenizer.encodeStrict(text)) { error in
      guard let error = error as? UnrepresentableTextError else { return XCTFail("\(error)") }
      XCTAssertEqual(error.character, "z")
      XCTAssertEqual(error.line, 3)
      XCTAssertEqual(error.column, 3)
      XCTAssertEqual(error.characterIndex, 14)
      XCTAssertEqual(error.utf8Offset, 15)
      XCTAssertEqual(error.missingBytes, [0x7A])
      XCTAssertEqual(
        error.description,
        "cannot encode character \"z\" (U+007A) at line 3, column 3 (character 14, UTF-8 offset 15):"
          + " the vocabulary has no token for byte 0x7A")
    }
  }

  func testEncodeStrictReportsWholeCharacters() {
    let tokenizer = Self.reduced
    // "e" + combining acute accent (CC 81) is one character.
    XCTAssertThrowsError(try tokenizer.encodeStrict("Cafe\u{301}!")) { error in
      guard let error = error as? UnrepresentableTextError else { return XCTFail("\(error)") }
      XCTAssertEqual(error.character, "e\u{301}")
      XCTAssertEqual(error.characterIndex, 3)
      XCTAssertEqual(error.utf8Offset, 4)
      XCTAssertEqual(error.missingBytes, [0xCC])
      XCTAssertTrue(error.description.contains("(U+0065 U+0301)"), error.description)
    }
    XCTAssertThrowsError(try tokenizer.encodeStrict("A\nZoë")) { error in
      guard let error = error as? UnrepresentableTextError else { return XCTFail("\(error)") }
      XCTAssertEqual(error.character, "ë")
      XCTAssertEqual(error.line, 2)
      XCTAssertEqual(error.column, 3)
      XCTAssertEqual(error.missingBytes, [0xC3])
    }
  }

  func testEncodeStrictAcceptsRepresentableText() throws {
    let tokenizer = Self.reduced
    for text in ["plain text", "On Monday, Mary went to the garden.", "x<|endoftext|>y", "", "naive"] {
      XCTAssertEqual(try tokenizer.encodeStrict(text), tokenizer.encode(text), visible(text))
      XCTAssertEqual(try tokenizer.encodeStrict(text, prependBOS: true), tokenizer.encode(text, prependBOS: true))
    }
    XCTAssertEqual(try tokenizer.encodeStrict("hi", prependBOS: true).first, tokenizer.endOfTextID)
  }

  /// With every byte symbol present nothing is ever rejected.
  func testFullVocabulariesAcceptEverything() throws {
    var random = TestRandom(seed: 11)
    for _ in 0..<300 {
      let text = RandomText.string(using: &random, maxLength: 30)
      XCTAssertEqual(try TokenizerFixtures.gpt2.encodeStrict(text), TokenizerFixtures.gpt2.encode(text), visible(text))
    }
  }
}
