import Corpus
import XCTest

final class SuccessorTests: XCTestCase {
  /// The sequences written out independently of the module.
  static let expected: [SuccessorKind: [String]] = [
    .digits: (1...200).map { "\($0)" },
    .numberWords: [
      "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
      "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
      "twenty",
    ],
    .ordinals: [
      "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    ],
    .days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    .shortDays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    .months: [
      "January", "February", "March", "April", "May", "June", "July", "August", "September",
      "October", "November", "December",
    ],
    .shortMonths: [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    .letters: "ABCDEFGHIJKLMNOPQRSTUVWXYZ".map { String($0) },
  ]

  static let cyclic: Set<SuccessorKind> = [.days, .shortDays, .months, .shortMonths]

  /// A capitalised number word or ordinal ("Three", "First", at the start of a text or line) in
  /// lower case; every other word unchanged.
  static func uncapitalised(_ word: String) -> String {
    let lower = word.lowercased()
    let lowerKinds = expected[.numberWords]! + expected[.ordinals]!
    return lowerKinds.contains(lower) ? lower : word
  }

  /// The expected next item, or nil.
  static func next(_ item: String, _ kind: SuccessorKind) -> String? {
    let list = expected[kind]!
    guard let index = list.firstIndex(of: item) else { return nil }
    if index + 1 < list.count { return list[index + 1] }
    return cyclic.contains(kind) ? list[0] : nil
  }

  func testSuccessorOf() {
    XCTAssertEqual(SuccessorKind.days.successor(of: "Sunday"), "Monday")
    XCTAssertEqual(SuccessorKind.months.successor(of: "December"), "January")
    XCTAssertEqual(SuccessorKind.shortMonths.successor(of: "Dec"), "Jan")
    XCTAssertEqual(SuccessorKind.digits.successor(of: "199"), "200")
    XCTAssertNil(SuccessorKind.digits.successor(of: "200"))
    XCTAssertNil(SuccessorKind.letters.successor(of: "Z"))
    XCTAssertNil(SuccessorKind.ordinals.successor(of: "tenth"))
    XCTAssertNil(SuccessorKind.days.successor(of: "Funday"))
    for kind in SuccessorKind.allCases {
      XCTAssertEqual(kind.items, Self.expected[kind]!, "\(kind)")
      for item in kind.items { XCTAssertEqual(kind.successor(of: item), Self.next(item, kind)) }
    }
  }

  /// Prompts are runs of 3-5 consecutive items in the usual surface form, and the answer is the
  /// next item with its leading space.
  func testPromptAnswersAreCorrect() {
    for kind in SuccessorKind.allCases {
      let prompts = CorpusGenerator.successorPrompts(kind: kind, count: 500, seed: 17)
      XCTAssertEqual(prompts.count, 500)
      var lengths: Set<Int> = []
      for prompt in prompts {
        XCTAssertEqual(prompt.kind, kind)
        XCTAssert(prompt.text.hasPrefix(" "), prompt.text)
        XCTAssert(prompt.answer.hasPrefix(" "), prompt.answer)
        let items = TestText.words(prompt.text)
        lengths.insert(items.count)
        XCTAssert((3...5).contains(items.count), prompt.text)
        for (item, following) in zip(items, items.dropFirst()) {
          XCTAssertEqual(Self.next(item, kind), following, prompt.text)
        }
        XCTAssertEqual(Self.next(items.last!, kind), String(prompt.answer.dropFirst()), prompt.text)
        let commas = [SuccessorKind.days, .months, .ordinals].contains(kind)
        let separator = commas ? ", " : " "
        XCTAssertEqual(prompt.text, " " + items.joined(separator: separator) + (commas ? "," : ""))
      }
      XCTAssertEqual(lengths, [3, 4, 5], "\(kind)")
    }
  }

  func testPromptsWrapAndStayInRange() {
    let days = CorpusGenerator.successorPrompts(kind: .days, count: 300, seed: 2)
    XCTAssert(days.contains { $0.text.hasSuffix(" Sunday,") && $0.answer == " Monday" })
    XCTAssert(
      days.contains { $0.text.contains("Sunday, Monday") }, "runs wrap inside the prompt too")
    let months = CorpusGenerator.successorPrompts(kind: .months, count: 300, seed: 2)
    XCTAssert(months.contains { $0.text.hasSuffix(" December,") && $0.answer == " January" })
    let digits = CorpusGenerator.successorPrompts(kind: .digits, count: 3_000, seed: 2)
    let answers = digits.map { Int($0.answer.dropFirst())! }
    XCTAssertLessThanOrEqual(answers.max()!, 200)
    XCTAssert(answers.contains(200), "199 -> 200 must be possible")
    XCTAssertGreaterThanOrEqual(answers.min()!, 4)
    let letters = CorpusGenerator.successorPrompts(kind: .letters, count: 500, seed: 2)
    XCTAssert(letters.contains { $0.answer == " Z" })
    XCTAssertEqual(days, CorpusGenerator.successorPrompts(kind: .days, count: 300, seed: 2))
    XCTAssertNotEqual(days, CorpusGenerator.successorPrompts(kind: .days, count: 300, seed: 3))
  }

  /// In every sentence of a successor document, the items of each kind are consecutive, and
  /// every sentence carries a run of at least two items.
  func testDocumentRunsAreConsecutive() {
    var generator = CorpusGenerator(seed: 40)
    var wrappedDays = false
    var wrappedMonths = false
    var startsWithSpacedRun = 0
    var startsWithBareRun = 0
    let allItems = Set(Self.expected.values.joined())
    let documents = generator.documents(count: 2_000, of: .successor)
    for document in documents {
      if document.hasPrefix(" ") && allItems.contains(TestText.words(document)[0]) { startsWithSpacedRun += 1 }
      if let first = document.first, first != " ", allItems.contains(Self.uncapitalised(TestText.words(document)[0])) {
        startsWithBareRun += 1
      }
      for sentence in document.split(separator: ".") {
        let words = TestText.words(String(sentence)).map(Self.uncapitalised)
        var longest = 0
        for kind in SuccessorKind.allCases {
          let items = words.filter { Self.expected[kind]!.contains($0) }
          // " May" belongs to months and short months; a lone item is no run.
          guard items.count >= 2 else { continue }
          longest = max(longest, items.count)
          for (item, following) in zip(items, items.dropFirst()) {
            XCTAssertEqual(Self.next(item, kind), following, "\(kind) run broken: \(sentence)")
            if item == "Sunday" { wrappedDays = true }
            if item == "December" { wrappedMonths = true }
          }
        }
        XCTAssertGreaterThanOrEqual(longest, 2, "no run in: \(sentence)")
      }
    }
    XCTAssert(
      wrappedDays && wrappedMonths, "documents wrap Sunday -> Monday and December -> January")
    XCTAssertGreaterThan(
      startsWithSpacedRun, 200, "many documents start with a run after a space, like the prompts")
    XCTAssertGreaterThan(
      startsWithBareRun, 200, "many documents start with a run at the very start of the text")
    // The prompts' surface form occurs in the documents.
    let joined = documents.joined(separator: "\n")
    for kind in SuccessorKind.allCases {
      let forms = CorpusGenerator.successorPrompts(kind: kind, count: 50, seed: 1).map(\.text)
      XCTAssert(
        forms.contains { joined.contains($0) }, "\(kind) prompt form missing from documents")
    }
  }
}
