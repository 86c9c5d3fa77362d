import CircuitAnalysis
import Foundation
import XCTest

/// Issue 16's composition bar on the embedded default model: the induction head's K-composition
/// with a previous-token head in an earlier layer is above the 99th percentile of 1,000 random
/// matrix pairs of the same shapes (Elhage et al. 2021: induction heads read, through their keys,
/// what a previous-token head wrote). Heads are found by the detectors on repeated random tokens.
final class DefaultModelCompositionTests: XCTestCase {
  func testInductionHeadKComposesWithAPreviousTokenHead() throws {
    let d = try DefaultModelHeadDetectorTests.loadDefault()
    let bos = try XCTUnwrap(d.tokenizer.endOfTextID)
    let sequences = DefaultModelHeadDetectorTests.repeatedTokens(count: 10, half: 25, vocabulary: d.subject.config.vocabularySize, bos: bos, seed: 12)
    let detected = try HeadDetectors.run(d.subject, detectors: [.previousToken, .induction],
                                         inputs: HeadDetectorInputs(sequences: sequences, scoring: PatternScoring(excludeBOS: true)))
    let NH = d.subject.heads
    func best(_ kind: String, below layer: Int = .max) throws -> (head: HeadIndex, score: Double) {
      let values = try XCTUnwrap(detected.first { $0.kind == kind }).values.numbers.map { $0 ?? -1 }
      let i = values.indices.filter { $0 / NH < layer }.max { values[$0] < values[$1] }!
      return (HeadIndex(i / NH, i % NH), values[i])
    }
    let induction = try best("detect.induction")
    let previous = try best("detect.previous_token", below: induction.head.layer)
    XCTAssertGreaterThanOrEqual(induction.score, 0.5, "an induction head")
    var settings = CompositionSettings()
    settings.modes = [.k]
    let result = try XCTUnwrap(try CompositionReport.run(subject: d.subject, settings: settings).first)
    try result.validate()
    let score = try XCTUnwrap(result.values[previous.head.layer, previous.head.head, induction.head.layer, induction.head.head].number)
    let p99 = try XCTUnwrap(result.params["random_baseline"]?["percentiles"]?["99"]?.doubleValue)
    XCTAssertEqual(result.params["random_baseline"]?["samples"], .integer(1000))
    print("K-composition \(previous.head) (previous-token \(String(format: "%.3f", previous.score))) -> \(induction.head) (induction \(String(format: "%.3f", induction.score))): \(String(format: "%.4f", score)); random 99th percentile \(String(format: "%.4f", p99))")
    XCTAssertGreaterThan(score, p99)
  }
}
