import Corpus
import Foundation
import ModelTraining
import XCTest

/// The held-out behaviour set is large enough, well formed, and truly held out: the corpus
/// generator never writes any of its IOI templates or successor frames, nor its own separators
/// ";" and " - " (issue 11).
final class HeldOutBehaviourSetTests: XCTestCase {
  func testSizeAndShape() throws {
    let set = try HeldOutBehaviourSet.load()
    XCTAssertGreaterThanOrEqual(set.ioiTemplates.count, 20)
    XCTAssertGreaterThanOrEqual(set.namePairs.count, 25)
    for order in IOIOrder.allCases {
      let prompts = set.ioiPrompts(order: order)
      XCTAssertEqual(prompts.count, set.ioiTemplates.count * set.namePairs.count)
      for prompt in prompts {
        let words = prompt.text.split(whereSeparator: { !$0.isLetter }).map(String.init)
        XCTAssertEqual(words.filter { " " + $0 == prompt.io }.count, 1, "IO once: \(prompt.text)")
        XCTAssertEqual(words.filter { " " + $0 == prompt.s }.count, 2, "S twice: \(prompt.text)")
        XCTAssertFalse(prompt.text.contains("["), prompt.text)
      }
    }
    let abba = set.ioiPrompts(order: .abba)[0].text, baba = set.ioiPrompts(order: .baba)[0].text
    XCTAssertEqual(abba, "Mary and John spent the afternoon at the store. Before leaving, John handed the ring back to")
    XCTAssertEqual(baba, "John and Mary spent the afternoon at the store. Before leaving, John handed the ring back to")

    for kind in SuccessorKind.allCases {
      let frames = try XCTUnwrap(set.successorFrames[kind.rawValue])
      XCTAssertGreaterThanOrEqual(frames.count, 8, "\(kind)")
      let prompts = set.successorPrompts(kind: kind)
      XCTAssertEqual(Set(prompts.map(\.frame)), Set(frames.indices), "\(kind): every frame renders")
      XCTAssert(prompts.contains { $0.prompt.text.first!.isLetter || $0.prompt.text.first!.isNumber }, "\(kind): a bare list without a leading space")
      XCTAssert(prompts.contains { $0.prompt.text.hasSuffix(";") } && prompts.contains { $0.prompt.text.hasSuffix(" -") }, "\(kind)")
      for (_, prompt) in prompts {
        let items = kind.items
        let answer = prompt.answer.trimmingCharacters(in: .whitespaces)
        XCTAssert(items.contains(answer) || items.map(CorpusText.capitalizingFirst).contains(answer), "\(kind): \(prompt)")
        XCTAssertFalse(prompt.text.contains("{"), prompt.text)
      }
    }
    let days = set.successorPrompts(kind: .days).map(\.prompt)
    XCTAssert(days.contains(SuccessorPrompt(kind: .days, text: "Saturday; Sunday; Monday;", answer: " Tuesday")))
    XCTAssert(days.contains(SuccessorPrompt(kind: .days, text: "Shifts:\nMonday\nTuesday\nWednesday\n", answer: "Thursday")))
    let words = set.successorPrompts(kind: .numberWords).map(\.prompt)
    XCTAssert(words.contains(SuccessorPrompt(kind: .numberWords, text: "Say it slowly:\nOne\nTwo\nThree\n", answer: "Four")))
    XCTAssertEqual(HeldOutBehaviourSet.separator(of: "{}; {}; {?}"), "; ")
    XCTAssertEqual(HeldOutBehaviourSet.separator(of: "a\n{}\n{}\n{^?}"), "\n")
    XCTAssertEqual(HeldOutBehaviourSet.separator(of: "{} - {} - {?}"), " - ")
    XCTAssertEqual(HeldOutBehaviourSet.separator(of: "on {}, and on {?}"), ", and on ")
  }

  /// A template or frame as literal pieces around its slots, and a matcher for its prompt part.
  struct Pattern {
    let source: String
    let pieces: [String]
    let regex: NSRegularExpression

    init(_ text: String, slots: [String]) {
      source = text
      var escaped = NSRegularExpression.escapedPattern(for: text)
      var literal = text
      for slot in slots {
        escaped = escaped.replacingOccurrences(of: NSRegularExpression.escapedPattern(for: slot), with: "[A-Za-z0-9]+")
        literal = literal.replacingOccurrences(of: slot, with: "\u{0}")
      }
      pieces = literal.components(separatedBy: "\u{0}").filter { !$0.isEmpty }
      regex = try! NSRegularExpression(pattern: escaped)
    }

    /// The words of its literal text, any of which a matching document must contain.
    var words: [String] { pieces.flatMap(HeldOutBehaviourSetTests.words) }

    func matches(_ document: String) -> Bool {
      regex.firstMatch(in: document, range: NSRange(document.startIndex..., in: document)) != nil
    }
  }

  /// The letter-and-digit words of `text`.
  static func words(_ text: String) -> [String] {
    text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
  }

  func testTheGeneratorNeverWritesTheHeldOutSet() throws {
    let set = try HeldOutBehaviourSet.load()
    var patterns: [Pattern] = []
    for template in set.ioiTemplates {
      for order in IOIOrder.allCases {
        // The prompt part with slots: the generator's sentence would continue with the IO.
        let text = IOIPrompt.fill(template, order: order, io: "[A]", s: "[B]", place: "[PLACE]", object: "[OBJECT]")
        patterns.append(Pattern(text, slots: ["[A]", "[B]", "[PLACE]", "[OBJECT]"]))
      }
    }
    // The separators the held-out set shares with the corpus, or keeps to itself (";", " - ").
    let separators: Set<String> = ["", ",", ";", "-", "then", "and"]
    var framesChecked = 0
    for frames in set.successorFrames.values {
      for frame in frames {
        let body = frame.replacingOccurrences(of: "{^?}", with: "").replacingOccurrences(of: "{?}", with: "")
        let pattern = Pattern(body.trimmingCharacters(in: .whitespaces), slots: ["{^}", "{}"])
        // A bare list ("{}; {}; {?}", "{} then {} then {?}") is a separator, not a frame: shared
        // separators are allowed, and ";" and " - " are checked below.
        if pattern.pieces.allSatisfy({ separators.contains($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) { continue }
        patterns.append(pattern)
        framesChecked += 1
      }
    }
    XCTAssertGreaterThanOrEqual(framesChecked, 30)
    // Controls: the same check finds a training template and a training frame.
    let controls = [
      Pattern(IOIPrompt.fill(CorpusGenerator.trainingIOITemplates[6], order: .abba, io: "[A]", s: "[B]", place: "[PLACE]", object: "[OBJECT]"),
              slots: ["[A]", "[B]", "[PLACE]", "[OBJECT]"]),
      Pattern("It rained in {}, then in {}", slots: ["{}"]),
    ]
    patterns += controls

    // Each pattern is looked for only in documents holding its rarest literal word (by its
    // frequency in a sample), so a million documents take seconds, not minutes.
    var sample = CorpusGenerator(seed: 99)
    var frequency: [String: Int] = [:]
    for document in sample.documents(count: 20_000) { for word in Self.words(document) { frequency[word, default: 0] += 1 } }
    var byAnchor: [String: [Int]] = [:]
    for (index, pattern) in patterns.enumerated() {
      let anchor = try XCTUnwrap(pattern.words.min { frequency[$0, default: 0] < frequency[$1, default: 0] }, pattern.source)
      byAnchor[anchor, default: []].append(index)
    }

    var generator = CorpusGenerator(seed: 1)
    var found: [String: String] = [:]
    var heldOutSeparators: [String] = []
    for _ in 0..<1_000_000 {
      let document = generator.nextDocument()
      var candidates: Set<Int> = []
      var word = ""
      for character in document.unicodeScalars {
        if CharacterSet.alphanumerics.contains(character) {
          word.unicodeScalars.append(character)
        } else {
          if character == ";" || (character == "-" && word.isEmpty) { heldOutSeparators.append(document) }
          if !word.isEmpty, let hits = byAnchor[word] { candidates.formUnion(hits) }
          word = ""
        }
      }
      if !word.isEmpty, let hits = byAnchor[word] { candidates.formUnion(hits) }
      for index in candidates where found[patterns[index].source] == nil && patterns[index].matches(document) {
        found[patterns[index].source] = document
      }
    }
    for control in controls { XCTAssertNotNil(found.removeValue(forKey: control.source), "the check must be able to fire: \(control.source)") }
    XCTAssertEqual(found, [:], "held-out templates or frames written by the generator")
    XCTAssertEqual(heldOutSeparators.prefix(3), [], "';' and ' - ' belong to the held-out set")
  }
}
