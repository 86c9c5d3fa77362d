import Foundation
import Tokenizers
import XCTest

/// `BPETrainer`: merges, vocabulary layout, required tokens and errors.
final class BPETrainerTests: XCTestCase {
  private static let corpus = SmallCorpus.documents()
  private static let required = [" Monday", " 17", " Mary", " xylophone", "Zoë", " Wednesday"]

  private func train(
    _ texts: [String] = corpus, size: Int = 400, required: [String] = required,
    specials: [String] = ["<|endoftext|>"]
  ) throws -> BPETokenizer {
    try BPETrainer.train(texts: texts, vocabularySize: size, requiredTokens: required, specialTokens: specials)
  }

  /// The merges are exactly those of a naive trainer that recounts every
  /// pair at each step (same tie-breaking, required tokens first).
  func testMergesMatchNaiveReferenceTrainer() throws {
    let tokenizer = try train()
    let directory = try temporaryDirectory()
    try tokenizer.write(to: directory)
    let learned = try readMerges(directory.appendingPathComponent("merges.txt"))
    let expected = NaiveBPE.merges(texts: Self.corpus, required: Self.required, mergeCount: 400 - 256 - 1)
    XCTAssertEqual(learned.count, 143)
    XCTAssertEqual(learned.count, expected.all.count)
    for (rank, (got, want)) in zip(learned, expected.all).enumerated() where got != want {
      XCTFail("merge \(rank): \(got) instead of \(want)")
      break
    }
    // The first corpus merge is the most frequent pair: " " + letter.
    let firstCorpusMerge = learned[expected.required]
    XCTAssertEqual(firstCorpusMerge.0, [0x20])
  }

  func testTrainingIsDeterministicAndIndependentOfTextOrder() throws {
    let first = try train()
    let again = try train()
    let reversed = try train(Self.corpus.reversed())
    for other in [again, reversed] {
      XCTAssertEqual(other.vocabularySize, first.vocabularySize)
      for id in 0..<first.vocabularySize {
        XCTAssertEqual(other.vocabularyEntry(id), first.vocabularyEntry(id), "id \(id)")
      }
    }
    let a = try temporaryDirectory()
    let b = try temporaryDirectory()
    try first.write(to: a)
    try reversed.write(to: b)
    for name in ["vocab.json", "merges.txt"] {
      XCTAssertEqual(try Data(contentsOf: a.appendingPathComponent(name)),
                     try Data(contentsOf: b.appendingPathComponent(name)), name)
    }
  }

  /// Bytes first in GPT-2's order (the same first 256 ids as GPT-2), then
  /// one id per merge, then the special tokens.
  func testVocabularySizeAndLayout() throws {
    let tokenizer = try train(size: 333, specials: ["<|endoftext|>", "<pad>"])
    XCTAssertEqual(tokenizer.vocabularySize, 333)
    let gpt2 = TokenizerFixtures.gpt2
    for id in 0..<256 {
      XCTAssertEqual(tokenizer.vocabularyEntry(id), gpt2.vocabularyEntry(id), "byte id \(id)")
    }
    XCTAssertEqual(tokenizer.vocabularyEntry(220), "Ġ")
    XCTAssertEqual(tokenizer.endOfTextID, 331)
    XCTAssertEqual(tokenizer.vocabularyEntry(332), "<pad>")
    XCTAssertEqual(tokenizer.addedTokens.map(\.content), ["<|endoftext|>", "<pad>"])
    XCTAssertEqual(tokenizer.encode("x<pad>y"), [tokenizer.id(of: "x")!, 332, tokenizer.id(of: "y")!])
    for id in 256..<331 {
      let entry = try XCTUnwrap(tokenizer.vocabularyEntry(id), "id \(id)")
      XCTAssertGreaterThan(entry.unicodeScalars.count, 1, "merge result \(id)")
      XCTAssertEqual(tokenizer.id(ofVocabularyEntry: entry), id)
    }
    XCTAssertNil(tokenizer.vocabularyEntry(333))
    XCTAssertEqual(tokenizer.encode("<|endoftext|>"), [331])
    XCTAssertEqual(tokenizer.encode("Mary", prependBOS: true).first, 331)
  }

  func testRequiredTokensAreSingleTokens() throws {
    let required = Self.required + [" 123", " Thursday", "<|endoftext|>", " Mary"]
    let tokenizer = try train(required: required)
    for token in required {
      let ids = tokenizer.encode(token)
      XCTAssertEqual(ids.count, 1, "\(visible(token)) → \(ids.map(tokenizer.tokenText))")
      XCTAssertEqual(tokenizer.decode(ids), token)
      XCTAssertEqual(tokenizer.id(of: token), ids.first)
    }
    // In running text too.
    XCTAssertEqual(tokenizer.encode("a xylophone on Monday").suffix(3),
                   [tokenizer.id(of: " xylophone")!, tokenizer.id(of: " on")!, tokenizer.id(of: " Monday")!])
  }

  /// The smallest vocabulary that fits the required tokens works; one less
  /// is an error that says what is needed.
  func testVocabularyTooSmallForRequiredTokens() throws {
    let needed = NaiveBPE.merges(texts: [], required: Self.required, mergeCount: 0).required
    XCTAssertGreaterThan(needed, 20)
    let minimum = 256 + 1 + needed
    let smallest = try train(size: minimum)
    XCTAssertEqual(smallest.vocabularySize, minimum)
    for token in Self.required { XCTAssertEqual(smallest.encode(token).count, 1, visible(token)) }

    XCTAssertThrowsError(try train(size: minimum - 1)) { error in
      XCTAssertEqual(error as? BPETrainingError, .vocabularyTooSmall(
        vocabularySize: minimum - 1, minimum: minimum, specialTokens: 1, requiredMerges: needed))
      let message = "\(error)"
      XCTAssertTrue(message.contains("too small") && message.contains("at least \(minimum)"), message)
      XCTAssertFalse(message.contains("\n"))
    }
    XCTAssertThrowsError(try train(size: 100, required: [])) { error in
      XCTAssertEqual(error as? BPETrainingError, .vocabularyTooSmall(
        vocabularySize: 100, minimum: 257, specialTokens: 1, requiredMerges: 0))
    }
    XCTAssertEqual(try train(size: 257, required: []).vocabularySize, 257)
  }

  func testRequiredTokenThatCannotBeOneTokenIsNamed() {
    XCTAssertThrowsError(try train(required: [" Monday", "Monday!"])) { error in
      XCTAssertEqual(error as? BPETrainingError, .requiredTokenSplitByPreTokenizer("Monday!", pieces: ["Monday", "!"]))
      XCTAssertTrue("\(error)".contains("\"Monday!\""), "\(error)")
    }
    XCTAssertThrowsError(try train(required: ["New York"])) { error in
      XCTAssertEqual(error as? BPETrainingError, .requiredTokenSplitByPreTokenizer("New York", pieces: ["New", " York"]))
    }
    XCTAssertThrowsError(try train(required: ["a<|endoftext|>"])) { error in
      XCTAssertEqual(error as? BPETrainingError, .requiredTokenSplitByPreTokenizer(
        "a<|endoftext|>", pieces: ["a", "<|endoftext|>"]))
    }
    XCTAssertThrowsError(try train(required: [""])) { error in
      XCTAssertEqual("\(error)", "required token \"\" is empty")
    }
  }

  func testErrorMessagesAreOneLine() {
    let failures = (1...7).map { (token: " word\($0)", tokens: [" word", "\($0)"]) }
    XCTAssertEqual(
      BPETrainingError.requiredTokensNotSingle(Array(failures.prefix(1))).description,
      "required token is not one token: \" word1\" → [\" word\", \"1\"]")
    let many = BPETrainingError.requiredTokensNotSingle(failures).description
    XCTAssertTrue(many.hasPrefix("required tokens are not one token: \" word1\" → [\" word\", \"1\"]; "), many)
    XCTAssertTrue(many.hasSuffix("\" word5\" → [\" word\", \"5\"] and 2 more"), many)
    XCTAssertEqual(
      BPETrainingError.vocabularyTooSmall(vocabularySize: 300, minimum: 310, specialTokens: 1, requiredMerges: 53)
        .description,
      "vocabulary size 300 is too small: it needs at least 310 (256 bytes + 1 special token + 53 merges for the"
        + " required tokens)")
    XCTAssertEqual(
      BPETrainingError.requiredTokenSplitByPreTokenizer("a\nb", pieces: ["a", "\n", "b"]).localizedDescription,
      "required token \"a\\nb\" can never be one token: GPT-2's pre-tokenizer splits it into \"a\", \"\\n\", \"b\"")
  }

  func testEmptyCorpusAndBadSpecialTokensAreErrors() {
    for texts in [[], ["", ""], ["<|endoftext|>", "<|endoftext|><|endoftext|>"]] {
      XCTAssertThrowsError(try train(texts, required: [])) { error in
        XCTAssertEqual(error as? BPETrainingError, .emptyCorpus)
        XCTAssertTrue("\(error)".contains("empty corpus"))
      }
    }
    XCTAssertThrowsError(try train(specials: ["<|endoftext|>", "!"])) { error in
      XCTAssertEqual(error as? BPETrainingError, .invalidSpecialToken("!", reason: "it is the vocabulary string of byte 0x21"))
    }
    XCTAssertThrowsError(try train(specials: [""])) { error in
      XCTAssertEqual(error as? BPETrainingError, .invalidSpecialToken("", reason: "it is empty"))
    }
  }

  /// Special tokens cut the text: no merge spans or includes one.
  func testSpecialTokensAreNotLearnedFrom() throws {
    let tokenizer = try train(
      Array(repeating: "the cat<pad>sat<|endoftext|>on", count: 20), size: 300, required: [],
      specials: ["<|endoftext|>", "<pad>"])
    let entries = (0..<tokenizer.vocabularySize).compactMap(tokenizer.vocabularyEntry)
    XCTAssertEqual(Set(entries).count, tokenizer.vocabularySize)
    XCTAssertFalse(entries.contains { $0.count > 1 && ($0.contains("<") || $0.contains(">")) && !$0.hasPrefix("<|") && $0 != "<pad>" })
    XCTAssertEqual(tokenizer.encode(" cat<pad>sat").map(tokenizer.tokenText), [" cat", "<pad>", "sat"])
    // "at" (in " cat" and "sat"), then 2 for "the", 2 for " cat", 1 each for "sat" and "on".
    XCTAssertEqual(tokenizer.vocabularySize, 256 + 7 + 2)
  }

  func testFrequentWordsBecomeSingleTokens() throws {
    let tokenizer = try train(size: 600)
    let counts = NaiveBPE.words(Self.corpus).map { (word: String(decoding: $0.key.joined(), as: UTF8.self), count: $0.value) }
    let frequent = counts.sorted { $0.count != $1.count ? $0.count > $1.count : $0.word < $1.word }.prefix(40)
    XCTAssertTrue(frequent.contains { $0.word == " the" } && frequent.contains { $0.word == " Sarah" }, "\(frequent)")
    for (word, count) in frequent {
      let pieces = tokenizer.encode(word).map(tokenizer.tokenText)
      XCTAssertEqual(pieces.count, 1, "\(visible(word)) (\(count) times) → \(pieces)")
    }
    // A word that never occurs stays in pieces.
    XCTAssertGreaterThan(tokenizer.encode(" quantum").count, 2)
    // The corpus compresses to well under one token per word-sized piece.
    let text = Self.corpus.joined(separator: "\n")
    let pieces = GPT2PreTokenizer.split(text).count
    XCTAssertLessThan(tokenizer.encode(text).count, pieces * 11 / 10)
  }

  func testEncodeDecodeRoundTripsOnCorpusAndOtherText() throws {
    let tokenizer = try train()
    for text in Self.corpus { XCTAssertEqual(tokenizer.decode(tokenizer.encode(text)), text, visible(text)) }
    var random = TestRandom(seed: 9)
    for _ in 0..<300 {
      let text = RandomText.string(using: &random, maxLength: 30)
      XCTAssertEqual(tokenizer.decode(tokenizer.encode(text)), text, visible(text))
      XCTAssertEqual(try tokenizer.encodeStrict(text), tokenizer.encode(text), visible(text))
    }
  }

  /// When the corpus runs out of pairs, training stops with a smaller
  /// vocabulary (every word is then one token).
  func testStopsWhenNoPairIsLeft() throws {
    let tokenizer = try train(["ab ab abc"], size: 1000, required: [])
    XCTAssertEqual(tokenizer.encode("ab ab abc").map(tokenizer.tokenText), ["ab", " ab", " abc"])
    XCTAssertEqual(tokenizer.vocabularySize, 256 + 3 + 1)
    XCTAssertEqual(tokenizer.endOfTextID, 259)
  }

  func testProgressCountsMerges() throws {
    var reports: [(Int, Int)] = []
    _ = try BPETrainer.train(texts: Self.corpus, vocabularySize: 300, requiredTokens: [" Monday"]) { reports.append(($0, $1)) }
    XCTAssertEqual(reports.map(\.0), Array(1...43))
    XCTAssertTrue(reports.allSatisfy { $0.1 == 43 })
  }

  /// Rough speed on ~1 MB of generated text (printed; asserts only that
  /// the vocabulary is full).
  func testTrainingSpeedIsReported() throws {
    var texts: [String] = []
    var bytes = 0
    var seed: UInt64 = 1
    while bytes < 1_000_000 {
      let batch = SmallCorpus.documents(count: 500, seed: seed)
      texts += batch
      bytes += batch.reduce(0) { $0 + $1.utf8.count }
      seed += 1
    }
    let start = Date()
    let tokenizer = try BPETrainer.train(texts: texts, vocabularySize: 1024, requiredTokens: Self.required)
    print(String(format: "BPETrainer.train: %.2f MB, %d texts in %.3f s (vocabulary %d)",
                 Double(bytes) / 1e6, texts.count, Date().timeIntervalSince(start), tokenizer.vocabularySize))
    XCTAssertGreaterThan(tokenizer.vocabularySize, 300)
    for token in Self.required { XCTAssertEqual(tokenizer.encode(token).count, 1, visible(token)) }
  }
}
