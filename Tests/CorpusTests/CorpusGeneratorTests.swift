import Corpus
import XCTest

final class CorpusGeneratorTests: XCTestCase {
  func testSameSeedSameDocumentsAndDifferentSeedDifferentDocuments() {
    var first = CorpusGenerator(seed: 7)
    var second = CorpusGenerator(seed: 7)
    var other = CorpusGenerator(seed: 8)
    let a = first.documents(count: 300)
    let b = second.documents(count: 300)
    let c = other.documents(count: 300)
    XCTAssertEqual(a, b)
    XCTAssertNotEqual(a, c)
    let shared = zip(a, c).filter { $0 == $1 }.count
    XCTAssertLessThan(shared, 3, "two seeds should give almost no identical documents")
    XCTAssertGreaterThan(Set(a).count, 295, "documents should hardly ever repeat")
  }

  /// The stream must not depend on the process (hash seeds, dictionary order), the platform or
  /// the run. If the generator is changed on purpose, this fingerprint changes with it: update
  /// it, and know that corpora made before the change differ.
  func testFingerprintIsStable() {
    var generator = CorpusGenerator(seed: 2024)
    let text = generator.documents(count: 200).joined(separator: "\n")
    XCTAssertEqual(
      TestText.fnv1a(text), 17_192_589_257_366_891_827, "corpus stream for seed 2024 changed")
  }

  func testDefaultMixProportions() {
    var generator = CorpusGenerator(seed: 99)
    var counts: [CorpusKind: Int] = [:]
    for _ in 0..<2_000 { counts[generator.nextTaggedDocument().kind, default: 0] += 1 }
    let expected: [CorpusKind: Double] = [
      .ioi: 0.38, .successor: 0.27, .repeatedSpan: 0.12, .story: 0.23,
    ]
    for kind in CorpusKind.allCases {
      let share = Double(counts[kind, default: 0]) / 2_000
      XCTAssertEqual(share, expected[kind]!, accuracy: 0.035, "\(kind): \(share)")
      XCTAssertEqual(CorpusMix.default.fraction(of: kind), expected[kind]!, accuracy: 1e-12)
    }
  }

  func testCustomMix() {
    var onlyStories = CorpusGenerator(
      seed: 1, mix: CorpusMix(ioi: 0, successor: 0, repeatedSpan: 0, story: 1))
    XCTAssert((0..<200).allSatisfy { _ in onlyStories.nextTaggedDocument().kind == .story })

    var half = CorpusGenerator(
      seed: 2, mix: CorpusMix(ioi: 1, successor: 1, repeatedSpan: 0, story: 0))
    var ioi = 0
    for _ in 0..<2_000 {
      let kind = half.nextTaggedDocument().kind
      XCTAssert(kind == .ioi || kind == .successor)
      if kind == .ioi { ioi += 1 }
    }
    XCTAssertEqual(Double(ioi) / 2_000, 0.5, accuracy: 0.04)
  }

  func testTaggedDocumentsMatchTheirKind() {
    // The text of a tagged document is what `nextDocument(of:)` gives for the same stream.
    var tagged = CorpusGenerator(seed: 31)
    let document = tagged.nextTaggedDocument()
    XCTAssertFalse(document.text.isEmpty)
    var plain = CorpusGenerator(seed: 31)
    XCTAssertEqual(plain.nextDocument(), document.text)
  }

  /// Every document is printable ASCII or newlines, uses only lexicon and common words and a few
  /// punctuation marks, has clean spacing and ends with a full stop.
  func testDocumentsArePlainASCIIFromTheVocabulary() {
    var generator = CorpusGenerator(seed: 5)
    var unknown: Set<String> = []
    for kind in CorpusKind.allCases {
      for document in generator.documents(count: 1_500, of: kind) {
        XCTAssert(
          document.unicodeScalars.allSatisfy { ($0.value >= 0x20 && $0.value < 0x7F) || $0 == "\n" }, document)
        XCTAssertFalse(document.contains(" \n") || document.contains("\n ") || document.contains("\n\n"), document)
        XCTAssertFalse(document.contains("  "), "double space: \(document)")
        XCTAssertFalse(document.contains(" ."), document)
        XCTAssertFalse(document.contains(" ,"), document)
        XCTAssertFalse(document.contains(".."), document)
        XCTAssertFalse(document.contains("["), "unfilled slot: \(document)")
        XCTAssertFalse(document.contains("{"), "unfilled slot: \(document)")
        XCTAssert(document.hasSuffix("."), document)
        for piece in TestText.pieces(document) where !Self.punctuation.contains(piece) {
          if !TestText.vocabulary.contains(piece) { unknown.insert(piece) }
        }
      }
    }
    XCTAssertEqual(unknown, [], "words outside the lexicon and common words")
  }

  static let punctuation: Set<String> = [
    ".", ",", "?", "!", "\"", ":", "/", "|", "\n", "+", "*", "~", "=", "&", "#", ">", "_", "^", "%",
    "@", "<", "\\",
  ]

  /// Documents fit a 64-token row after BOS: counting one token per word and punctuation mark
  /// (every word of the vocabulary is meant to be one token).
  func testDocumentLengths() {
    var generator = CorpusGenerator(seed: 6)
    for kind in CorpusKind.allCases {
      let lengths = generator.documents(count: 1_000, of: kind).map { TestText.pieces($0).count }
      let mean = Double(lengths.reduce(0, +)) / Double(lengths.count)
      XCTAssertLessThanOrEqual(lengths.max()!, 60, "\(kind) document too long")
      XCTAssertGreaterThanOrEqual(lengths.min()!, 14, "\(kind) document too short")
      XCTAssert((22...52).contains(mean), "\(kind) mean length \(mean)")
    }
  }
}
