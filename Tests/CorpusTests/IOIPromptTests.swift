import Corpus
import Foundation
import XCTest

final class IOIPromptTests: XCTestCase {
  func testIOOnceAndSTwiceInEveryPrompt() {
    do {
      for order in IOIOrder.allCases {
        let prompts = CorpusGenerator.ioiPrompts(count: 400, order: order, seed: 21)
        XCTAssertEqual(prompts.count, 400)
        for prompt in prompts {
          let io = String(prompt.io.dropFirst())
          let s = String(prompt.s.dropFirst())
          XCTAssert(prompt.io.hasPrefix(" ") && prompt.s.hasPrefix(" "))
          XCTAssert(TestText.names.contains(io) && TestText.names.contains(s))
          XCTAssertNotEqual(io, s)
          XCTAssertEqual(TestText.count(io, in: prompt.text), 1, prompt.text)
          XCTAssertEqual(TestText.count(s, in: prompt.text), 2, prompt.text)
          XCTAssertEqual(TestText.names(in: prompt.text).count, 3, prompt.text)
          let full = prompt.text + prompt.io
          XCTAssertEqual(TestText.count(io, in: full), 2)
          XCTAssertEqual(TestText.names(in: full).last, io, "the answer completes the sentence")
          XCTAssert(prompt.text.hasSuffix(" to"), "the prompt stops at END: \(prompt.text)")
          XCTAssertEqual(prompt.order, order)
          XCTAssert(CorpusGenerator.trainingIOITemplates.indices.contains(prompt.template))
          XCTAssert(
            TestText.places.contains(prompt.place) && TestText.objects.contains(prompt.object))
          XCTAssertFalse(prompt.text.contains("["), prompt.text)
          for word in TestText.words(prompt.text) {
            XCTAssert(TestText.vocabulary.contains(word), "\(word) in \(prompt.text)")
          }
        }
      }
    }
  }

  /// ABBA prompts name the IO first, BABA prompts the S; in both, S is the third name.
  func testNameOrder() {
    do {
      for prompt in CorpusGenerator.ioiPrompts(count: 200, order: .abba, seed: 4) {
        let names = TestText.names(in: prompt.text).map { " " + $0 }
        XCTAssertEqual(names, [prompt.io, prompt.s, prompt.s], prompt.text)
      }
      for prompt in CorpusGenerator.ioiPrompts(count: 200, order: .baba, seed: 4) {
        let names = TestText.names(in: prompt.text).map { " " + $0 }
        XCTAssertEqual(names, [prompt.s, prompt.io, prompt.s], prompt.text)
      }
    }
  }

  /// The prompts are the templates filled in, exactly: the example of Wang et al.'s paper.
  func testPromptTextFollowsTheTemplate() {
    let prompts = CorpusGenerator.ioiPrompts(count: 150, order: .abba, seed: 8)
    for prompt in prompts {
      let expected = IOIDocumentTests.fill(
        CorpusGenerator.trainingIOITemplates[prompt.template], order: .abba
      )
      .replacingOccurrences(of: "Mary", with: "@IO").replacingOccurrences(of: "John", with: "@S")
      .replacingOccurrences(of: "store", with: prompt.place)
      .replacingOccurrences(of: "ring", with: prompt.object)
      .replacingOccurrences(of: "@IO", with: String(prompt.io.dropFirst()))
      .replacingOccurrences(of: "@S", with: String(prompt.s.dropFirst()))
      XCTAssertEqual(prompt.text + prompt.io, expected)
    }
    let after = CorpusGenerator.trainingIOITemplates.firstIndex(
      of: "After [B] and [A] went to the [PLACE], [B] gave a [OBJECT] to [A]")
    XCTAssertNotNil(after)
    let example = prompts.first { $0.template == after }!
    XCTAssert(example.text.hasPrefix("After" + example.io + " and" + example.s + " went to the "))
  }

  func testTemplatesAreBalancedAndPromptsDeterministic() {
    let prompts = CorpusGenerator.ioiPrompts(count: 150, order: .baba, seed: 9)
    var counts = [Int](repeating: 0, count: 15)
    for prompt in prompts { counts[prompt.template] += 1 }
    XCTAssertEqual(counts, [Int](repeating: 10, count: 15))
    XCTAssertEqual(prompts, CorpusGenerator.ioiPrompts(count: 150, order: .baba, seed: 9))
    XCTAssertNotEqual(prompts, CorpusGenerator.ioiPrompts(count: 150, order: .baba, seed: 10))
    XCTAssertGreaterThan(Set(prompts.map(\.io)).count, 50, "names should vary")
  }

  /// The ABBA and BABA sets with the same seed share templates, names and places and differ
  /// only in the order of the first two names.
  func testOrdersArePaired() {
    let abba = CorpusGenerator.ioiPrompts(count: 60, order: .abba, seed: 3)
    let baba = CorpusGenerator.ioiPrompts(count: 60, order: .baba, seed: 3)
    for (a, b) in zip(abba, baba) {
      XCTAssertEqual(a.io, b.io)
      XCTAssertEqual(a.s, b.s)
      XCTAssertEqual(a.template, b.template)
      XCTAssertNotEqual(a.text, b.text)
      XCTAssertEqual(TestText.words(a.text).sorted(), TestText.words(b.text).sorted())
    }
  }
}
