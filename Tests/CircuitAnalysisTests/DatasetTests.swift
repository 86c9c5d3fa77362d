import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import Tokenizers
import TransformerEngine
import XCTest

/// The analysis datasets on the embedded default model's tokenizer: determinism, single-token
/// words, the IOI name orders and corruptions, successor and induction pairs, user JSONL files
/// with line-numbered errors, alignment errors, filtering and the per-template reference groups.
final class DatasetTests: XCTestCase {
  static let tokenizer: BPETokenizer = {
    guard let directory = DefaultModel.directory else { fatalError("the embedded default model is missing") }
    return try! BPETokenizer.load(directory: directory)
  }()
  var tokenizer: BPETokenizer { DatasetTests.tokenizer }

  /// The test fixture's tiny tokenizer (a byte vocabulary with a few merges): it splits every
  /// lexicon word.
  func tinyTokenizer() throws -> BPETokenizer {
    try BPETokenizer.load(directory: Fixtures.resources(in: .module).appendingPathComponent("models/tiny-f32"))
  }

  func ioi(_ order: IOIDataset.Order = .mixed, _ corruption: IOIDataset.Corruption = .abc, seed: UInt64 = 1, count: Int = 45) throws -> PromptDataset {
    try IOIDataset(count: count, seed: seed, order: order, corruption: corruption).build(tokenizer: tokenizer)
  }

  // MARK: IOI

  func testIOIIsDeterministicBySeed() throws {
    XCTAssertEqual(try ioi(seed: 7), try ioi(seed: 7))
    XCTAssertEqual(try SuccessorDataset(count: 20, seed: 7).build(tokenizer: tokenizer), try SuccessorDataset(count: 20, seed: 7).build(tokenizer: tokenizer))
    XCTAssertEqual(try InductionDataset(count: 3, seed: 7, length: 10).build(tokenizer: tokenizer), try InductionDataset(count: 3, seed: 7, length: 10).build(tokenizer: tokenizer))
  }

  func testDifferentSeedsDiffer() throws {
    XCTAssertNotEqual(try ioi(seed: 1).cleanIDs, try ioi(seed: 2).cleanIDs)
    XCTAssertNotEqual(try ioi(seed: 1).corruptedIDs, try ioi(seed: 2).corruptedIDs)
    XCTAssertNotEqual(try SuccessorDataset(count: 20, seed: 1).build(tokenizer: tokenizer).cleanIDs, try SuccessorDataset(count: 20, seed: 2).build(tokenizer: tokenizer).cleanIDs)
    XCTAssertNotEqual(try InductionDataset(count: 3, seed: 1, length: 10).build(tokenizer: tokenizer).cleanIDs, try InductionDataset(count: 3, seed: 2, length: 10).build(tokenizer: tokenizer).cleanIDs)
  }

  /// Every IOI name is one token: the answer and wrong texts encode to their ids alone, the IO
  /// occurs once and S twice in the clean ids, BOS comes first and END is the last token.
  func testEveryIOINameIsOneToken() throws {
    let dataset = try ioi(count: 60)
    XCTAssertEqual(dataset.count, 60)
    XCTAssertTrue(dataset.filtered.isEmpty, "\(dataset.filtered)")
    for pair in dataset.pairs {
      XCTAssertEqual(tokenizer.encode(pair.answerText), [pair.answer], pair.answerText)
      XCTAssertEqual(tokenizer.encode(pair.wrongText), [pair.wrong], pair.wrongText)
      XCTAssertEqual(pair.clean.filter { $0 == pair.answer }.count, 1, pair.cleanText)
      XCTAssertEqual(pair.clean.filter { $0 == pair.wrong }.count, 2, pair.cleanText)
      XCTAssertEqual(pair.clean.first, tokenizer.endOfTextID)
      XCTAssertEqual(pair.clean, tokenizer.encode(pair.cleanText, prependBOS: true))
      XCTAssertEqual(pair.answerPosition, pair.clean.count - 1)
      XCTAssertEqual(tokenizer.tokenText(pair.clean[pair.answerPosition]), " to", pair.cleanText)
      XCTAssertEqual(pair.rolePositions["IO"].map { pair.clean[$0] }, pair.answer)
      XCTAssertEqual(pair.rolePositions["S2"].map { pair.clean[$0] }, pair.wrong)
    }
    XCTAssertEqual(Set(dataset.pairs.map { $0.template.split(separator: ".")[1] }).count, 15, "all 15 templates are used")
  }

  /// ABBA names IO first, BABA names S first; mixed alternates.
  func testABBAAndBABAOrderOfNames() throws {
    func firstName(_ pair: PromptPair) -> Int? { pair.clean.first { $0 == pair.answer || $0 == pair.wrong } }
    for pair in try ioi(.abba).pairs {
      XCTAssertEqual(firstName(pair), pair.answer, pair.cleanText)
      XCTAssertTrue(pair.template.hasPrefix("abba."))
    }
    for pair in try ioi(.baba).pairs {
      XCTAssertEqual(firstName(pair), pair.wrong, pair.cleanText)
      XCTAssertTrue(pair.template.hasPrefix("baba."))
    }
    let mixed = try ioi(.mixed).pairs
    for (n, pair) in mixed.enumerated() {
      XCTAssertEqual(firstName(pair), n % 2 == 0 ? pair.answer : pair.wrong, pair.cleanText)
    }
  }

  /// p_ABC: exactly the three name positions differ, and they hold three names, distinct from
  /// each other and from the clean IO and S.
  func testABCHasThreeFreshNames() throws {
    for pair in try ioi(.mixed, .abc, count: 60).pairs {
      XCTAssertEqual(pair.clean.count, pair.corrupted.count)
      let changed = pair.clean.indices.filter { pair.clean[$0] != pair.corrupted[$0] }
      XCTAssertEqual(changed.count, 3, "\(pair.cleanText) / \(pair.corruptedText)")
      XCTAssertEqual(changed.map { pair.clean[$0] }.sorted(), [pair.answer, pair.wrong, pair.wrong].sorted())
      let fresh = changed.map { pair.corrupted[$0] }
      XCTAssertEqual(Set(fresh).count, 3, pair.corruptedText)
      XCTAssertTrue(Set(fresh).isDisjoint(with: [pair.answer, pair.wrong]), pair.corruptedText)
      for id in fresh { XCTAssertEqual(tokenizer.encode(tokenizer.tokenText(id)), [id]) }
    }
  }

  /// The swap exchanges IO and S everywhere, so the corrupted prompt's own IO is the clean
  /// wrong token.
  func testSwapFlipsAnswerAndWrong() throws {
    for pair in try ioi(.mixed, .swap).pairs {
      let swapped = pair.clean.map { $0 == pair.answer ? pair.wrong : $0 == pair.wrong ? pair.answer : $0 }
      XCTAssertEqual(pair.corrupted, swapped, "\(pair.cleanText) / \(pair.corruptedText)")
      XCTAssertEqual(pair.corrupted.filter { $0 == pair.wrong }.count, 1, "the corrupted IO is the clean S")
      XCTAssertEqual(pair.corrupted.filter { $0 == pair.answer }.count, 2)
    }
  }

  /// Reference prompts are grouped per template and length, each group's members share both.
  func testReferenceGroupsPerTemplate() throws {
    let dataset = try ioi(.mixed, .abc, count: 90)
    let grouping = dataset.referenceGrouping
    XCTAssertGreaterThanOrEqual(grouping.groups.count, 15)
    XCTAssertLessThanOrEqual(grouping.groups.count, 30)
    XCTAssertEqual(grouping.groups.flatMap(\.members).sorted(), Array(0..<90))
    for (n, pair) in dataset.pairs.enumerated() {
      let group = grouping.group(ofPair: n)
      XCTAssertTrue(group.members.contains(n))
      XCTAssertEqual(group.template, pair.template)
      XCTAssertEqual(group.length, pair.corrupted.count)
    }
    for group in grouping.groups {
      XCTAssertTrue(dataset.referencePrompts(in: group).allSatisfy { $0.count == group.length })
    }
  }

  // MARK: Successor

  /// The corrupted run is the clean run shifted back one item; the wrong token is the clean
  /// run's last item, the corrupted run's own answer.
  func testSuccessorPairsShiftTheRunByOneItem() throws {
    let dataset = try SuccessorDataset(count: 64, seed: 3, runLength: 3).build(tokenizer: tokenizer)
    XCTAssertTrue(dataset.filtered.isEmpty, "\(dataset.filtered)")
    XCTAssertEqual(Set(dataset.pairs.map(\.template)).count, 8, "every task is used")
    let sets = try SuccessorTokenSets(tokenizer: tokenizer)
    for pair in dataset.pairs {
      let t = pair.clean.count
      let stride = (t - 1) / 3
      XCTAssertTrue(stride == 1 || stride == 2, pair.cleanText)
      XCTAssertEqual(Array(pair.corrupted[(1 + stride)...]), Array(pair.clean[1..<(t - stride)]), "\(pair.cleanText) / \(pair.corruptedText)")
      XCTAssertEqual(pair.clean[t - stride], pair.wrong, pair.cleanText)
      XCTAssertEqual(tokenizer.encode(pair.answerText), [pair.answer])
      let task = try XCTUnwrap(sets.tasks.first { pair.template.hasPrefix($0.name + ".") })
      // The short forms wrap in the corpus's runs but not in the paper's token sets.
      let inSet = task.pairs.contains(SuccessorPair(token: pair.wrong, successor: pair.answer))
      let wrapsPastTheEnd = task.tokens.last == pair.wrong && task.tokens.first == pair.answer
      XCTAssertTrue(inSet || (pair.template.hasPrefix("short") && wrapsPastTheEnd), "\(pair.cleanText) -> \(pair.answerText)")
    }
    let days = try XCTUnwrap(dataset.pairs.first { $0.template == "days.3" })
    XCTAssertTrue(days.cleanText.hasSuffix(","), days.cleanText)
  }

  /// Gould et al.'s token sets: days and months wrap, the other six tasks do not.
  func testSuccessorTokenSets() throws {
    let sets = try SuccessorTokenSets(tokenizer: tokenizer)
    XCTAssertTrue(sets.filtered.isEmpty, "\(sets.filtered)")
    let counts = Dictionary(uniqueKeysWithValues: sets.tasks.map { ($0.name, $0.pairs.count) })
    XCTAssertEqual(counts, ["digits": 199, "numberWords": 19, "ordinals": 9, "days": 7, "shortDays": 6, "months": 12, "shortMonths": 11, "letters": 25])
    let id = { (text: String) in self.tokenizer.encode(text)[0] }
    XCTAssertTrue(sets.pairsByTask["days"]!.contains(SuccessorPair(token: id(" Sunday"), successor: id(" Monday"))))
    XCTAssertTrue(sets.pairsByTask["digits"]!.contains(SuccessorPair(token: id(" 199"), successor: id(" 200"))))
    XCTAssertEqual(sets.tasks.first { $0.name == "letters" }?.tokens.first, id(" A"))
  }

  // MARK: Induction

  func testInductionRepeatsRandomTokens() throws {
    let length = 12
    let dataset = try InductionDataset(count: 4, seed: 5, length: length).build(tokenizer: tokenizer)
    let bos = try XCTUnwrap(tokenizer.endOfTextID)
    for pair in dataset.pairs {
      XCTAssertEqual(pair.clean.count, 2 * length)
      XCTAssertEqual(pair.clean[0], bos)
      let r = Array(pair.clean[1...length])
      XCTAssertEqual(Set(r).count, length)
      XCTAssertEqual(Array(pair.clean[(length + 1)...]), Array(r.dropLast()), "second half repeats r")
      XCTAssertEqual(pair.answer, r[length - 1], "the answer is the token after the last token's first occurrence")
      let s = Array(pair.corrupted[1...length])
      XCTAssertTrue(Set(s).isDisjoint(with: r))
      XCTAssertEqual(Array(pair.corrupted[(length + 1)...]), Array(pair.clean[(length + 1)...]))
      XCTAssertEqual(pair.wrong, s[length - 1])
      XCTAssertFalse(r.contains(bos) || s.contains(bos))
    }
  }

  // MARK: Errors

  func testMisalignedPairShowsBothTokenisations() throws {
    let clean = "When Mary and John went to the store, John gave a drink to"
    let corrupted = "When Mary and John went to the store, John gave the drink to the"
    XCTAssertThrowsError(try PromptPair(clean: clean, corrupted: corrupted, answer: " Mary", wrong: " John", template: "t", tokenizer: tokenizer)) { error in
      guard case AnalysisError.misalignedPair(let a, let b) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(a, tokenizer.encode(clean, prependBOS: true).map(tokenizer.tokenText))
      XCTAssertEqual(b, tokenizer.encode(corrupted, prependBOS: true).map(tokenizer.tokenText))
      let message = "\(error)"
      XCTAssertTrue(message.contains(#"" drink" " to""#) && message.contains(#"" to" " the""#), message)
      XCTAssertTrue(message.contains("clean:") && message.contains("corrupted:"), message)
    }
  }

  func testAnswerThatIsNotOneTokenIsRefused() throws {
    XCTAssertThrowsError(try PromptPair(clean: "a b", corrupted: "a c", answer: " Xylophonius", wrong: " John", template: "t", tokenizer: tokenizer)) { error in
      guard case AnalysisError.notSingleToken(let role, let text, let tokens) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(role, "answer")
      XCTAssertEqual(text, " Xylophonius")
      XCTAssertGreaterThan(tokens.count, 1)
    }
    XCTAssertThrowsError(try PromptPair(clean: "a b", corrupted: "a c", answer: " Mary", wrong: "", template: "t", tokenizer: tokenizer)) { error in
      guard case AnalysisError.notSingleToken("wrong token", "", []) = error else { return XCTFail("\(error)") }
    }
  }

  // MARK: User files

  func line(_ clean: String, _ corrupted: String, _ answer: String = " Mary", _ wrong: String = " John", template: String? = nil) -> String {
    var object: [String: String] = ["clean": clean, "corrupted": corrupted, "answer": answer, "wrong": wrong]
    if let template { object["template"] = template }
    return String(data: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), encoding: .utf8)!
  }

  let good = "When Mary and John went to the store, John gave a drink to"
  let bad = "When Mary and John went to the store, Mary gave a drink to"

  func testUserFileReadsPairsAndTemplates() throws {
    let text = [line(good, bad, template: "store"), "", #"{"clean": "Then, Lisa and James had fun. James said to", "corrupted": "Then, Lisa and James had fun. Lisa said to", "answer": " Lisa", "wrong": " James", "template": 4}"#, line(good, bad, template: "store")].joined(separator: "\n") + "\n"
    let dataset = try UserPairsFile.parse(text, path: "pairs.jsonl", tokenizer: tokenizer)
    XCTAssertEqual(dataset.count, 3)
    XCTAssertEqual(dataset.pairs.map(\.template), ["store", "4", "store"])
    XCTAssertEqual(dataset.pairs[0].clean, tokenizer.encode(good, prependBOS: true))
    XCTAssertEqual(dataset.pairs[0].answer, tokenizer.encode(" Mary")[0])
    XCTAssertEqual(dataset.referenceGrouping.groupOfPair, [0, 1, 0])
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-pairs-\(ProcessInfo.processInfo.processIdentifier).jsonl")
    try text.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    XCTAssertEqual(try UserPairsFile.read(url, tokenizer: tokenizer).pairs, dataset.pairs)
  }

  /// Each problem names the file and the 1-based line (blank lines count).
  func testUserFileErrorsNameTheLine() throws {
    func error(_ lines: [String]) -> (line: Int, message: String)? {
      do {
        _ = try UserPairsFile.parse(lines.joined(separator: "\n"), path: "p.jsonl", tokenizer: tokenizer)
        return nil
      } catch AnalysisError.badDatasetFile(let path, let line, let message) {
        XCTAssertEqual(path, "p.jsonl")
        return (line, message)
      } catch {
        XCTFail("\(error)")
        return nil
      }
    }
    let ok = line(good, bad)
    let badJSON = try XCTUnwrap(error([ok, "", #"{"clean": "a", "#]))
    XCTAssertEqual(badJSON.line, 3)
    XCTAssertTrue(badJSON.message.hasPrefix("not valid JSON"), badJSON.message)
    let missing = try XCTUnwrap(error([ok, #"{"clean": "a", "corrupted": "b", "answer": " Mary"}"#]))
    XCTAssertEqual(missing.line, 2)
    XCTAssertTrue(missing.message.contains(#"missing key "wrong""#), missing.message)
    let multi = try XCTUnwrap(error([ok, ok, ok, line(good, bad, " Xylophonius")]))
    XCTAssertEqual(multi.line, 4)
    XCTAssertTrue(multi.message.contains("not a single token"), multi.message)
    let misaligned = try XCTUnwrap(error([line(good, good + " the")]))
    XCTAssertEqual(misaligned.line, 1)
    XCTAssertTrue(misaligned.message.contains("clean:") && misaligned.message.contains(#"" to" " the""#), misaligned.message)
    let unknown = try XCTUnwrap(error([ok, #"{"clean": "a", "corrupted": "b", "answer": " Mary", "wrong": " John", "wrog": 1}"#]))
    XCTAssertEqual(unknown.line, 2)
    XCTAssertTrue(unknown.message.contains(#"unknown key "wrog""#), unknown.message)
    let notObject = try XCTUnwrap(error(["[1, 2]"]))
    XCTAssertEqual(notObject.line, 1)
    let wrongType = try XCTUnwrap(error([#"{"clean": "a", "corrupted": "b", "answer": 3, "wrong": " John"}"#]))
    XCTAssertTrue(wrongType.message.contains(#""answer" must be a string"#), wrongType.message)
    let empty = try XCTUnwrap(error(["", "  "]))
    XCTAssertEqual(empty.line, 1)
    XCTAssertTrue(empty.message.contains("no prompt pairs"), empty.message)
    XCTAssertEqual("\(AnalysisError.badDatasetFile(path: "p.jsonl", line: 4, message: "x"))", "p.jsonl:4: x")
  }

  // MARK: Filtering

  func testFilteringReportsMultiTokenWords() throws {
    let dataset = try IOIDataset(count: 10, names: ["Mary", "John", "Xylophonius", "Lisa", "James", "Kevin", "Sarah"]).build(tokenizer: tokenizer)
    let names = dataset.filtered.filter { $0.list == "names" }
    XCTAssertEqual(names.map(\.item), [" Xylophonius"])
    let note = try XCTUnwrap(names.first)
    XCTAssertTrue(note.reason.hasPrefix("splits into"), note.reason)
    XCTAssertFalse(dataset.pairs.contains { $0.cleanText.contains("Xylophonius") || $0.corruptedText.contains("Xylophonius") })
    XCTAssertEqual(dataset.params["names"], .strings(["Mary", "John", "Xylophonius", "Lisa", "James", "Kevin", "Sarah"]))

    do {
      let sets = try SuccessorTokenSets(tokenizer: try tinyTokenizer())
      XCTAssertFalse(sets.filtered.isEmpty, "the tiny tokenizer splits the successor words")
    } catch AnalysisError.emptyDataset(let message) {
      XCTAssertTrue(message.contains("splits into"), message)
    }
  }

  /// Everything filtered out is an empty dataset whose message lists what was filtered.
  func testEverythingFilteredIsAnEmptyDataset() throws {
    let tiny = try tinyTokenizer()
    XCTAssertThrowsError(try IOIDataset(count: 10).build(tokenizer: tiny)) { error in
      guard case AnalysisError.emptyDataset(let message) = error else { return XCTFail("\(error)") }
      XCTAssertTrue(message.contains("names: \" Michael\" splits into"), message)
    }
    XCTAssertThrowsError(try SuccessorDataset(count: 10, kinds: [.days, .months]).build(tokenizer: tiny)) { error in
      guard case AnalysisError.emptyDataset(let message) = error else { return XCTFail("\(error)") }
      XCTAssertTrue(message.contains("days: \" Monday\" splits into"), message)
    }
  }
}
