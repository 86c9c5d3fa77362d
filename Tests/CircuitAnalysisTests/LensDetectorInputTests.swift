import CircuitAnalysis
import Foundation
import TransformerEngine
import XCTest

/// Bad input to the lens, DLA and detectors gets an error that names the culprit; a cancelled
/// detector run returns nothing.
final class LensDetectorInputTests: XCTestCase {
  func expect(_ body: @autoclosure () throws -> Any, mentions words: [String], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
      for word in words { XCTAssertTrue("\(error)".contains(word), "'\(error)' should mention \(word)", file: file, line: line) }
    }
  }

  func testOutOfRangePositionsAndTokensAreRefused() throws {
    let f = try LensDetectorFixture()
    let tokens = f.document.lens_tokens
    expect(try LogitLens.run(f.subject, tokens: tokens, answer: 5, position: 10), mentions: ["position 10", "10 positions"])
    expect(try LogitLens.run(f.subject, tokens: tokens, answer: 320), mentions: ["answer", "320"])
    expect(try LogitLens.run(f.subject, tokens: tokens, topK: 0), mentions: ["top-k"])
    expect(try DirectLogitAttribution.run(f.subject, tokens: tokens, answer: 1, wrong: -1), mentions: ["wrong", "-1"])
    expect(try DirectLogitAttribution.run(f.subject, tokens: tokens, answer: 1, wrong: 2, position: -1), mentions: ["position -1"])
    expect(try ResidualDecomposition(f.subject, tokens: []), mentions: ["empty"])
    expect(try EffectiveEmbedding.compute(f.subject.model, tokens: [3, 999]), mentions: ["999"])
  }

  func testDetectorsRefuseEmptyOrUnusableInputs() throws {
    let f = try LensDetectorFixture()
    expect(try HeadDetectors.run(f.subject, detectors: [.induction], inputs: HeadDetectorInputs()), mentions: ["empty dataset"])
    expect(try HeadDetectors.run(f.subject, detectors: [.induction], inputs: HeadDetectorInputs(sequences: [[0, 1, 2], [4]])), mentions: ["sequence 1", "1 token"])
    expect(try HeadDetectors.run(f.subject, detectors: [.successor], inputs: HeadDetectorInputs()), mentions: ["no successor tasks"])
    let broken = SuccessorTask(name: "days", tokens: [3, nil, 5])
    expect(try HeadDetectors.run(f.subject, detectors: [.successor], inputs: HeadDetectorInputs(successorTasks: [broken])), mentions: ["'days'", "no pair"])
    expect(try HeadDetectors.run(f.subject, detectors: [.copy], inputs: HeadDetectorInputs(copyTokens: [3, 4, 3])), mentions: ["twice"])
    expect(try HeadDetectors.run(f.subject, detectors: [.copy], inputs: HeadDetectorInputs(copyTokens: [3, 4], copyTopK: 5)), mentions: ["k must be"])
  }

  /// A multi-token word (nil) drops the pairs on both of its sides.
  func testMultiTokenWordsDropTheirPairs() throws {
    let f = try LensDetectorFixture()
    let task = SuccessorTask(name: "t", tokens: [40, 41, nil, 43])  // one pair: (40, 41)
    let results = try HeadDetectors.run(f.subject, detectors: [.successor], inputs: HeadDetectorInputs(successorTasks: [task]))
    XCTAssertTrue(results[0].values.numbers.allSatisfy { $0 == 0 || $0 == 1 }, "one pair per head: \(results[0].values.numbers)")
    XCTAssertEqual(results[0].params["tasks"]?["t"], [40, 41, nil, 43])
    expect(try HeadDetectors.run(f.subject, detectors: [.successor], inputs: HeadDetectorInputs(successorTasks: [SuccessorTask(name: "t", tokens: [40, nil, 41])])), mentions: ["no pair"])
  }

  func testNonFiniteLogitsAreRefused() throws {
    let f = try LensDetectorFixture()
    var bias = f.subject.model.parameters.tensor(.finalNormBias)
    bias.values[3] = .nan
    f.subject.model.parameters.set(.finalNormBias, bias)
    expect(try LogitLens.run(f.subject, tokens: f.document.lens_tokens), mentions: ["non-finite", "logit-lens"])
    expect(try DirectLogitAttribution.run(f.subject, tokens: f.document.lens_tokens, answer: 1, wrong: 2), mentions: ["non-finite", "position 9"])
  }

  func testCancelledDetectorRunReturnsNothing() throws {
    let f = try LensDetectorFixture()
    let progress = AnalysisProgress()
    progress.cancel()
    expect(try HeadDetectors.run(f.subject, inputs: HeadDetectorInputs(sequences: f.document.repeated_tokens), progress: progress), mentions: ["cancelled"])
    // The model is usable afterwards.
    XCTAssertEqual(try HeadDetectors.run(f.subject, detectors: [.attentionSink], inputs: HeadDetectorInputs(sequences: f.document.repeated_tokens)).count, 1)
  }
}
