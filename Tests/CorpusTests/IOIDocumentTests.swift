import Corpus
import Foundation
import XCTest

final class IOIDocumentTests: XCTestCase {
  /// Every IOI document is one or two IOI sentences with four name mentions each: S and IO,
  /// then S again, then IO right before a full stop. Names never cross sentences.
  func testEverySentenceNamesIOOnceBeforeTheAnswerAndSTwice() {
    var generator = CorpusGenerator(seed: 12)
    var orders: [String: Int] = [:]
    var sentenceCounts: [Int: Int] = [:]
    for document in generator.documents(count: 3_000, of: .ioi) {
      let pieces = TestText.pieces(document)
      let mentions = pieces.indices.filter { TestText.names.contains(pieces[$0]) }
      guard mentions.count == 4 || mentions.count == 8 else {
        XCTFail("expected 4 or 8 name mentions: \(document)")
        continue
      }
      sentenceCounts[mentions.count / 4, default: 0] += 1
      var seen: Set<String> = []
      for group in stride(from: 0, to: mentions.count, by: 4) {
        let names = mentions[group..<group + 4].map { pieces[$0] }
        let (io, s) = (names[3], names[2])
        XCTAssertNotEqual(io, s, document)
        XCTAssertEqual(names.filter { $0 == io }.count, 2, "IO once, then the answer: \(document)")
        XCTAssertEqual(names.filter { $0 == s }.count, 2, "S twice: \(document)")
        XCTAssertEqual(
          pieces[mentions[group + 3] + 1], ".", "the IO ends the sentence: \(document)")
        XCTAssert(seen.isDisjoint(with: [io, s]), "a name reused across sentences: \(document)")
        seen.formUnion([io, s])
        if names[0] == io {
          orders["abba", default: 0] += 1
        } else {
          orders["baba", default: 0] += 1
        }
      }
      XCTAssertEqual(mentions.last.map { $0 + 2 }, pieces.count, "the document ends with its IO")
    }
    let abba = Double(orders["abba", default: 0])
    let baba = Double(orders["baba", default: 0])
    XCTAssertEqual(abba / (abba + baba), 0.5, accuracy: 0.04, "both name orders, equally often")
    XCTAssertGreaterThan(sentenceCounts[1, default: 0], 300)
    XCTAssertGreaterThan(sentenceCounts[2, default: 0], 300)
  }

  /// Wang et al.'s templates and composed sentences both occur, and composed sentences are
  /// varied: many distinct skeletons.
  func testTemplatesAndComposedSentencesAreMixed() {
    var generator = CorpusGenerator(seed: 13)
    let documents = generator.documents(count: 3_000, of: .ioi)
    let skeletons = documents.map(TestText.skeleton)
    let templateSkeletons = CorpusGenerator.trainingIOITemplates.map {
      TestText.skeleton(Self.fill($0, order: .baba) + ".")
    }
    var hitsPerTemplate = [Int](repeating: 0, count: templateSkeletons.count)
    for skeleton in skeletons {
      for (index, template) in templateSkeletons.enumerated() where skeleton.contains(template) {
        hitsPerTemplate[index] += 1
      }
    }
    XCTAssert(
      hitsPerTemplate.allSatisfy { $0 > 10 }, "every Wang template is used: \(hitsPerTemplate)")
    // Cut two-sentence documents at each IO's full stop and count distinct sentence skeletons.
    var sentences: Set<String> = []
    for document in documents {
      var current: [String] = []
      var names = 0
      for piece in TestText.pieces(document) {
        current.append(piece)
        if TestText.names.contains(piece) { names += 1 }
        if piece == "." && names == 4 {
          sentences.insert(TestText.skeleton(current.joined(separator: " ")))
          current = []
          names = 0
        }
      }
    }
    XCTAssertGreaterThan(
      sentences.count, 1_500, "composed IOI sentences should rarely repeat a skeleton")
  }

  /// A template filled with S = John, IO = Mary, the store and a ring.
  static func fill(_ template: String, order: IOIOrder) -> String {
    var text = template
    if order == .abba, let b = text.range(of: "[B]"), let a = text.range(of: "[A]") {
      text =
        String(text[..<b.lowerBound]) + "[A]" + String(text[b.upperBound..<a.lowerBound])
        + "[B]" + String(text[a.upperBound...])
    }
    return text.replacingOccurrences(of: "[A]", with: "Mary")
      .replacingOccurrences(of: "[B]", with: "John")
      .replacingOccurrences(of: "[PLACE]", with: "store")
      .replacingOccurrences(of: "[OBJECT]", with: "ring")
  }
}
