import Corpus
import XCTest

final class SpanAndStoryTests: XCTestCase {
  /// After a lead-in of one to three words, a span of 5-15 distinct words appears two or three
  /// times, word for word.
  func testRepeatedSpansRepeat() {
    var generator = CorpusGenerator(seed: 50)
    var copyCounts: Set<Int> = []
    var spanLengths: Set<Int> = []
    for document in generator.documents(count: 1_500, of: .repeatedSpan) {
      let words = TestText.words(document)
      var found = false
      search: for lead in 1...3 {
        for copies in 2...3 {
          let length = (words.count - lead) / copies
          guard (5...15).contains(length), lead + length * copies == words.count else { continue }
          let span = Array(words[lead..<lead + length])
          let repeated = (0..<copies).allSatisfy { copy in
            Array(words[(lead + copy * length)..<(lead + (copy + 1) * length)]) == span
          }
          if repeated && Set(span).count == length {
            found = true
            copyCounts.insert(copies)
            spanLengths.insert(length)
            break search
          }
        }
      }
      XCTAssert(found, "not a repeated span: \(document)")
    }
    XCTAssertEqual(copyCounts, [2, 3])
    XCTAssertEqual(spanLengths, Set(5...15))
  }

  /// Stories name two or three characters, reuse names, and use pronouns.
  func testStoriesReuseNamesAndUsePronouns() {
    var generator = CorpusGenerator(seed: 51)
    let stories = generator.documents(count: 1_000, of: .story)
    var reusedName = 0
    var withPronoun = 0
    var sentenceCounts: [Int] = []
    for story in stories {
      let names = TestText.names(in: story)
      XCTAssert((1...3).contains(Set(names).count), story)
      if Set(names).count < names.count { reusedName += 1 }
      let words = Set(TestText.words(story))
      if !words.isDisjoint(with: ["he", "she", "He", "She", "him", "her", "his", "they", "They"]) {
        withPronoun += 1
      }
      sentenceCounts.append(story.filter { $0 == "." }.count)
    }
    XCTAssertGreaterThan(reusedName, 900, "names should be reused")
    XCTAssertGreaterThan(withPronoun, 900, "stories should use pronouns")
    XCTAssertGreaterThanOrEqual(sentenceCounts.min()!, 3, "several sentences")
    XCTAssertGreaterThan(Set(stories).count, 990)
  }

  /// A pronoun for a single character agrees with the only named character of that sex: in a
  /// story about one woman and men, "she" can only be her. Checked on stories whose cast has
  /// exactly one woman or exactly one man.
  func testPronounsAgreeWithNames() {
    var generator = CorpusGenerator(seed: 52)
    for story in generator.documents(count: 1_000, of: .story) {
      let cast = Set(TestText.names(in: story))
      let women = cast.filter(Lexicon.isFemale)
      let words = TestText.words(story)
      if women.isEmpty {
        XCTAssertFalse(words.contains("she") || words.contains("She"), story)
      }
      if women.count == cast.count {
        XCTAssertFalse(words.contains("he") || words.contains("He") || words.contains("him"), story)
      }
      // A pronoun never comes before the first name.
      let firstName = words.firstIndex { TestText.names.contains($0) } ?? words.count
      let firstPronoun = words.firstIndex {
        ["he", "she", "He", "She", "him", "They", "they"].contains($0)
      }
      if let firstPronoun { XCTAssertGreaterThan(firstPronoun, firstName, story) }
    }
  }
}
