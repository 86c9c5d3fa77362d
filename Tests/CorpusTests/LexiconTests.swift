import Corpus
import XCTest

final class LexiconTests: XCTestCase {
  func testTheHundredIOINames() {
    XCTAssertEqual(Lexicon.names.count, 100)
    XCTAssertEqual(Set(Lexicon.names).count, 100, "names must be distinct")
    XCTAssertEqual(Lexicon.names.first, "Michael")
    XCTAssertEqual(Lexicon.names.last, "Samuel")
    for name in ["Mary", "John", "Sara", "Sarah", "Erica", "Eric", "Jose", "Zachary"] {
      XCTAssert(Lexicon.names.contains(name), name)
    }
    XCTAssert(Lexicon.femaleNames.allSatisfy { Lexicon.names.contains($0) })
    XCTAssert(Lexicon.isFemale("Mary"))
    XCTAssertFalse(Lexicon.isFemale("John"))
  }

  func testPlacesAndObjectsStartWithWangEtAls() {
    XCTAssertEqual(
      Array(Lexicon.places.prefix(8)),
      ["store", "garden", "restaurant", "school", "hospital", "office", "house", "station"])
    XCTAssertEqual(
      Array(Lexicon.objects.prefix(8)),
      ["ring", "kiss", "bone", "basketball", "computer", "necklace", "drink", "snack"])
    XCTAssertEqual(Set(Lexicon.places).count, 25)
    XCTAssertEqual(Set(Lexicon.objects).count, 25)
    XCTAssert(Set(Lexicon.places).isDisjoint(with: Lexicon.objects))
    // "a [OBJECT]" must be grammatical: no vowel-initial objects.
    XCTAssert(Lexicon.objects.allSatisfy { !"aeiou".contains($0.first!) })
  }

  func testSuccessorSets() {
    XCTAssertEqual(Lexicon.numbers.count, 200)
    XCTAssertEqual(Lexicon.numbers.first, "1")
    XCTAssertEqual(Lexicon.numbers.last, "200")
    XCTAssertEqual(Lexicon.numberWords.count, 20)
    XCTAssertEqual(Lexicon.numberWords.last, "twenty")
    XCTAssertEqual(
      Lexicon.ordinals,
      [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
      ])
    XCTAssertEqual(
      Lexicon.days, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
    XCTAssertEqual(Lexicon.shortDays, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
    XCTAssertEqual(Lexicon.months.count, 12)
    XCTAssertEqual(Lexicon.months.last, "December")
    XCTAssertEqual(
      Lexicon.shortMonths,
      ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
    XCTAssertEqual(Lexicon.letters.count, 26)
    XCTAssertEqual(Lexicon.letters.joined(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
  }

  func testRequiredSingleTokens() {
    let tokens = Lexicon.requiredSingleTokens
    XCTAssertEqual(Set(tokens).count, tokens.count, "no duplicates")
    // With a leading space: 100 names, 25 places, 25 objects, 200 numbers, 20 number words,
    // 10 ordinals, 7 + 7 days, 12 + 12 months less the shared " May", 26 letters.
    let spacedCount = 100 + 25 + 25 + 200 + 20 + 10 + 7 + 7 + 12 + 11 + 26
    // Without one, as at the start of a text or line: the names and successor items, and the
    // capitalised number words and ordinals.
    let bareCount = 100 + 200 + 20 + 10 + 7 + 7 + 12 + 11 + 26 + 20 + 10
    XCTAssertEqual(tokens.count, spacedCount + bareCount)
    XCTAssert(tokens.prefix(spacedCount).allSatisfy { $0.hasPrefix(" ") })
    XCTAssert(tokens.dropFirst(spacedCount).allSatisfy { !$0.hasPrefix(" ") })
    for token in tokens {
      XCTAssertFalse(token.dropFirst().contains(" "), token)
    }
    let all = Set(tokens)
    for token in [
      " Mary", " Samuel", " 1", " 17", " 200", " Monday", " Sun", " Jan", " May", " December",
      " A", " Z", " store", " bakery", " ring", " watch", " twenty", " tenth", "Mary", "17",
      "Monday", "Z", "twenty", "Twenty", "First", "tenth",
    ] {
      XCTAssert(all.contains(token), token)
    }
    for token in [" 0", " 201", "store", "ring", " One"] { XCTAssertFalse(all.contains(token), token) }
  }

  func testCommonWordsArePlainDistinctAndSeparateFromTheLexicon() {
    let common = Lexicon.commonWords
    XCTAssertEqual(Set(common).count, common.count, "duplicate common words")
    XCTAssert(
      common.allSatisfy { word in
        !word.isEmpty
          && word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }
      })
    XCTAssert(Set(common).isDisjoint(with: Lexicon.lexiconWords), "a word is listed twice")
    XCTAssertLessThan(Lexicon.allWords.count, 1_000, "the vocabulary should stay small")
    XCTAssertEqual(Lexicon.allWords.count, Set(Lexicon.allWords).count)
  }
}
