import CircuitAnalysis
import Foundation
import XCTest

/// MAPS relation scores and copy scores on the embedded default model, printed for issue 16's
/// closing note (the successor head's MAPS successor score, the name movers' copy scores). The
/// model may be retrained, so this asserts only what holds for any model: scores are fractions, the
/// built-in relations keep at least the paper's 30 pairs on its tokenizer, and the MAPS
/// name-copying score with k = 5 equals the full-vocabulary copy score over the same names.
final class DefaultModelWeightRelationsTests: XCTestCase {
  func testRelationScoresOnTheDefaultModel() throws {
    let d = try DefaultModelHeadDetectorTests.loadDefault()
    var printed: [AnalysisResult] = []
    for name in ["successor", "name_copying", "day_month_next", "number_next"] {
      let relation = try TokenRelation.builtIn(name, tokenizer: d.tokenizer)
      let results = try MAPSScores.run(subject: d.subject, relation: relation)
      XCTAssertTrue(try results[0].values.numbers.allSatisfy { (0...1).contains(try XCTUnwrap($0)) })
      print("\(name): n = \(relation.pairs.count), dropped \(relation.dropped.count)")
      printed += results
    }
    let names = CopyTokenSet.names(tokenizer: d.tokenizer)
    XCTAssertGreaterThanOrEqual(names.count, 30)
    for scope in CopyScoreSettings.Scope.allCases {
      printed += try TokenSetCopyScores.run(subject: d.subject, tokens: names, setName: "single-token names", settings: CopyScoreSettings(scope: scope, topK: 5))
    }
    var mapsSettings = MAPSSettings()
    mapsSettings.topK = 5
    mapsSettings.rawEmbeddingAtLayerZero = false
    let maps = try MAPSScores.run(subject: d.subject, relation: TokenRelation(name: "names", pairs: names.map { RelationPair(source: $0, target: $0) }, origin: "test"), settings: mapsSettings)
    let copy = printed.first { $0.kind == "weights.copy" && $0.params["scope"] == .string("full_vocabulary") }!
    XCTAssertEqual(Array(maps[0].values.numbers.prefix(copy.values.numbers.count)), copy.values.numbers)
    print(printed.map(ResultText.render).joined(separator: "\n\n"))
  }
}
