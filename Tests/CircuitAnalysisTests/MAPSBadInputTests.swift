import CircuitAnalysis
import Foundation
import XCTest

/// What the MAPS and copy-score entry points refuse or flag, and how they say it.
final class MAPSBadInputTests: XCTestCase {
  func testARelationBelowTheMinimumIsScoredAndFlagged() throws {
    let f = try MAPSFixture()
    let days = try f.relation("days")
    XCTAssertEqual(days.pairs.count, 7)
    let results = try MAPSScores.run(subject: f.subject, relation: days)
    XCTAssertEqual(results[0].params["below_minimum"], .bool(true))
    XCTAssertEqual(results[0].params["n"], .integer(7))
    let warning = try XCTUnwrap(results[0].params["warning"]?.stringValue)
    XCTAssertTrue(warning.contains("only 7 valid pairs, fewer than the minimum 30"), warning)
    assertValidResults(results)

    var strict = MAPSSettings()
    strict.strictMinimum = true
    XCTAssertThrowsError(try MAPSScores.run(subject: f.subject, relation: days, settings: strict)) { error in
      XCTAssertTrue("\(error)".contains("only 7 valid pairs"), "\(error)")
    }
    // A relation with drops says how many and why.
    let words = (0..<40).map { ("Zyzzyvaquux\($0)", "Paris") } + [("France", "Paris")]
    let dropping = TokenRelation(name: "odd", words: words, tokenizer: f.tokenizer, origin: "test")
    XCTAssertEqual(dropping.pairs.count, 1)
    XCTAssertThrowsError(try MAPSScores.run(subject: f.subject, relation: dropping, settings: strict)) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains("only 1 valid pairs") && text.contains("40 pairs were dropped because a side is not a single token") && text.contains("splits into"), text)
    }
  }

  func testARelationWithoutSingleTokenPairsIsAnError() throws {
    let f = try MAPSFixture()
    let none = TokenRelation(name: "none", words: [("Zyzzyvaquux", "Ulaanbaatar")], tokenizer: f.tokenizer, origin: "test")
    XCTAssertThrowsError(try MAPSScores.run(subject: f.subject, relation: none)) { error in
      guard case .emptyDataset(let message)? = error as? AnalysisError else { return XCTFail("\(error)") }
      XCTAssertTrue(message.contains("relation 'none' has no pair of single tokens") && message.contains("source \" Zyzzyvaquux\" splits into"), message)
    }
    XCTAssertThrowsError(try TokenRelation.builtIn("capitals", tokenizer: f.tokenizer)) { error in
      guard case .unknownName(let kind, let name, let known)? = error as? AnalysisError else { return XCTFail("\(error)") }
      XCTAssertEqual(kind, "relation")
      XCTAssertEqual(name, "capitals")
      XCTAssertTrue(known.contains("successor") && known.contains("name_copying"))
    }
  }

  func testRelationFileErrorsNameTheFileAndLine() throws {
    let f = try MAPSFixture()
    XCTAssertThrowsError(try TokenRelationFile.parse("# header\nFrance\tParis\nJapan Tokyo\n", path: "rel.tsv", name: "rel", tokenizer: f.tokenizer)) { error in
      guard case .badDatasetFile(let path, let line, let message)? = error as? AnalysisError else { return XCTFail("\(error)") }
      XCTAssertEqual(path, "rel.tsv")
      XCTAssertEqual(line, 3)
      XCTAssertTrue(message.contains("found 1 field"), message)
    }
    XCTAssertThrowsError(try TokenRelationFile.parse("France\t\n", path: "rel.tsv", name: "rel", tokenizer: f.tokenizer)) { error in
      XCTAssertEqual(error as? AnalysisError, .badDatasetFile(path: "rel.tsv", line: 1, message: "the target word is empty"))
    }
    XCTAssertThrowsError(try TokenRelationFile.parse("# nothing\n\n", path: "rel.tsv", name: "rel", tokenizer: f.tokenizer)) { error in
      XCTAssertEqual(error as? AnalysisError, .badDatasetFile(path: "rel.tsv", line: 1, message: "the file has no source<TAB>target pairs"))
    }
    let relation = try TokenRelationFile.parse("France\tParis\r\n\nJapan\tTokyo\n", path: "rel.tsv", name: "rel", tokenizer: f.tokenizer)
    XCTAssertEqual(relation.pairs.count, 2)
    XCTAssertEqual(relation.origin, "rel.tsv")
  }

  func testCopyTokensMustBeSingleTokens() throws {
    let f = try MAPSFixture()
    XCTAssertThrowsError(try CopyTokenSet.tokens(words: ["Mary", "Ulaanbaatar"], tokenizer: f.tokenizer)) { error in
      guard case .notSingleToken(let role, let text, let tokens)? = error as? AnalysisError else { return XCTFail("\(error)") }
      XCTAssertEqual(role, "copy-score token")
      XCTAssertEqual(text, " Ulaanbaatar")
      XCTAssertGreaterThan(tokens.count, 1)
    }
    XCTAssertThrowsError(try TokenSetCopyScores.run(subject: f.subject, tokens: [5, 6], setName: "two", settings: CopyScoreSettings(topK: 3)))
    XCTAssertThrowsError(try TokenSetCopyScores.run(subject: f.subject, tokens: [5, 60_000], setName: "two", settings: CopyScoreSettings(scope: .fullVocabulary, topK: 1)))
    XCTAssertEqual(CopyTokenSet.names(tokenizer: f.tokenizer).count, Set(CopyTokenSet.names(tokenizer: f.tokenizer)).count)
  }
}
