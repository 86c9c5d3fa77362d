import Tokenizers
import XCTest

final class PreTokenizerTests: XCTestCase {
  /// Every Unicode scalar gets the class HF's pre-tokenizer regex gives it
  /// (probed through HF itself by the fixture script).
  func testClassOfEveryScalarMatchesHuggingFace() throws {
    let table = try TokenizerFixtures.decodeJSON(ClassRuns.self, "pretokenizer_classes.json")
    var starts: [Int] = []
    var labels: [String] = []
    for run in table.runs {
      guard run.count == 2, case .start(let start) = run[0], case .label(let label) = run[1] else {
        return XCTFail("bad run \(run)")
      }
      starts.append(start)
      labels.append(label)
    }
    XCTAssertGreaterThan(starts.count, 1000)
    var mismatches = 0
    var counts: [String: Int] = [:]
    for (index, start) in starts.enumerated() {
      let end = index + 1 < starts.count ? starts[index + 1] : 0x110000
      for value in start..<end {
        guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
        let expected = labels[index]
        let actual: String
        switch ScalarClass(scalar) {
        case .letter: actual = "L"
        case .number: actual = "N"
        case .whitespace: actual = "S"
        case .other: actual = "P"
        }
        counts[actual, default: 0] += 1
        if actual != expected {
          mismatches += 1
          if mismatches <= 10 {
            XCTFail("U+\(String(value, radix: 16, uppercase: true)): \(actual), HF says \(expected)")
          }
        }
      }
    }
    XCTAssertEqual(mismatches, 0)
    XCTAssertEqual(counts["S"], 25, "White_Space has 25 scalars")
  }

  func testWhitespaceRunsLeaveTheirLastSpaceToTheNextWord() {
    XCTAssertEqual(GPT2PreTokenizer.split("Hello  world"), ["Hello", " ", " world"])
    XCTAssertEqual(GPT2PreTokenizer.split("Hello   world"), ["Hello", "  ", " world"])
    XCTAssertEqual(GPT2PreTokenizer.split("a\n\nb"), ["a", "\n", "\n", "b"])
    XCTAssertEqual(GPT2PreTokenizer.split("a \n b"), ["a", " \n", " b"])
    XCTAssertEqual(GPT2PreTokenizer.split("a\tb"), ["a", "\t", "b"])
    XCTAssertEqual(GPT2PreTokenizer.split("end   "), ["end", "   "])
    XCTAssertEqual(GPT2PreTokenizer.split("   x"), ["  ", " x"])
    XCTAssertEqual(GPT2PreTokenizer.split(" "), [" "])
    XCTAssertEqual(GPT2PreTokenizer.split(""), [])
  }

  func testOnlyAnASCIISpaceJoinsTheFollowingRun() {
    XCTAssertEqual(GPT2PreTokenizer.split("a\u{A0}b"), ["a", "\u{A0}", "b"])
    XCTAssertEqual(GPT2PreTokenizer.split("a\u{3000}\u{3000}b"), ["a", "\u{3000}", "\u{3000}", "b"])
    XCTAssertEqual(GPT2PreTokenizer.split("x 12 !?"), ["x", " 12", " !?"])
  }

  func testContractions() {
    XCTAssertEqual(GPT2PreTokenizer.split("can't've"), ["can", "'t", "'ve"])
    XCTAssertEqual(GPT2PreTokenizer.split("I'M"), ["I", "'", "M"])
    XCTAssertEqual(GPT2PreTokenizer.split("'sup"), ["'s", "up"])
    XCTAssertEqual(GPT2PreTokenizer.split("''s"), ["''", "s"])
    XCTAssertEqual(GPT2PreTokenizer.split(" 's"), [" '", "s"])
    XCTAssertEqual(GPT2PreTokenizer.split("It\u{2019}s"), ["It", "\u{2019}", "s"])
  }

  func testClassesOfNotableScalars() {
    XCTAssertEqual(ScalarClass("\u{200B}"), .other, "zero-width space is not \\s")
    XCTAssertEqual(ScalarClass("\u{1C}"), .other, "\\s is White_Space, not str.isspace")
    XCTAssertEqual(ScalarClass("\u{85}"), .whitespace)
    XCTAssertEqual(ScalarClass("\u{0301}"), .other, "combining marks are not letters")
    XCTAssertEqual(ScalarClass("\u{2164}"), .number, "Roman numeral five is \\p{Nl}")
    XCTAssertEqual(ScalarClass("\u{1C89}"), .letter, "assigned in Unicode 16.0")
    XCTAssertEqual(ScalarClass("\u{A7CE}"), .other, "assigned in Unicode 17.0: unknown to HF")
  }

  func testPiecesConcatenateToTheInput() {
    var random = TestRandom(seed: 11)
    for _ in 0..<300 {
      let text = RandomText.string(using: &random, maxLength: 60)
      XCTAssertEqual(GPT2PreTokenizer.split(text).joined(), text, visible(text))
    }
  }
}
