import Foundation
import Tokenizers
import XCTest

/// `BPETokenizer.write(to:)`: GPT-2's two-file format, written atomically.
final class TokenizerWritingTests: XCTestCase {
  private static let corpus = SmallCorpus.documents()

  func testWrittenFilesLoadBackIdentically() throws {
    let trained = try BPETrainer.train(texts: Self.corpus, vocabularySize: 420, requiredTokens: [" Monday", " 17"])
    let directory = try temporaryDirectory().appendingPathComponent("nested/out")
    try trained.write(to: directory)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["merges.txt", "vocab.json"])

    let fromFiles = try BPETokenizer(
      vocabularyFile: directory.appendingPathComponent("vocab.json"),
      mergesFile: directory.appendingPathComponent("merges.txt"))
    let fromDirectory = try BPETokenizer.load(directory: directory)
    var random = TestRandom(seed: 3)
    let texts = Self.corpus + (0..<200).map { _ in RandomText.string(using: &random, maxLength: 25) }
    for loaded in [fromFiles, fromDirectory] {
      XCTAssertEqual(loaded.vocabularySize, 420)
      XCTAssertEqual(loaded.endOfTextID, 419)
      XCTAssertEqual(loaded.addedTokens.map(\.content), ["<|endoftext|>"])
      for id in 0..<420 { XCTAssertEqual(loaded.vocabularyEntry(id), trained.vocabularyEntry(id), "id \(id)") }
      for text in texts { XCTAssertEqual(loaded.encode(text), trained.encode(text), visible(text)) }
    }

    let merges = try String(contentsOf: directory.appendingPathComponent("merges.txt"), encoding: .utf8)
    let lines = merges.split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(lines.first, "#version: 0.2")
    XCTAssertEqual(lines.count, 1 + 420 - 257 + 1)  // header, merges, "" after the final newline
    XCTAssertEqual(lines.last, "")
    let vocabulary = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("vocab.json"))) as? [String: Int])
    XCTAssertEqual(Set(vocabulary.values), Set(0..<420))
    XCTAssertEqual(vocabulary["<|endoftext|>"], 419)
    XCTAssertEqual(vocabulary["Ġ"], 220)
  }

  /// Writing over earlier files replaces them whole.
  func testWritingReplacesEarlierFiles() throws {
    let directory = try temporaryDirectory()
    let big = try BPETrainer.train(texts: Self.corpus, vocabularySize: 500)
    let small = try BPETrainer.train(texts: Array(Self.corpus.prefix(50)), vocabularySize: 300)
    try big.write(to: directory)
    try small.write(to: directory)
    let loaded = try BPETokenizer.load(directory: directory)
    XCTAssertEqual(loaded.vocabularySize, 300)
    for text in Self.corpus.prefix(50) { XCTAssertEqual(loaded.encode(text), small.encode(text)) }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["merges.txt", "vocab.json"])
  }

  /// GPT-2's own files come out byte for byte as OpenAI wrote them.
  func testWritingGPT2ReproducesItsFiles() throws {
    let directory = try temporaryDirectory()
    try TokenizerFixtures.gpt2.write(to: directory)
    for name in ["vocab.json", "merges.txt"] {
      let written = try Data(contentsOf: directory.appendingPathComponent(name))
      let original = try Data(contentsOf: TokenizerFixtures.gpt2Directory.appendingPathComponent(name))
      XCTAssertEqual(written.count, original.count, name)
      XCTAssertTrue(written == original, "\(name) differs from the fixture")
    }
  }

  func testUnwritableDirectoryIsAnError() throws {
    let file = try temporaryFile("occupied", Data("x".utf8))
    let tokenizer = try BPETrainer.train(texts: ["a b"], vocabularySize: 258)
    XCTAssertThrowsError(try tokenizer.write(to: file.appendingPathComponent("sub"))) { error in
      XCTAssertEqual((error as? TokenizerError)?.kind, .unwritableFile, "\(error)")
    }
  }
}
