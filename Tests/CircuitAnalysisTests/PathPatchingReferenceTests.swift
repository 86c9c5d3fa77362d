import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import XCTest

/// Path patching (Wang et al. 2023) on models/tiny-f32 against the TransformerLens 3.9 reference
/// of `scripts/make_path_patching_fixtures.py` (references/path-patching-tiny-f32.json), within
/// 1e-4: the receivers are the logits, one head's query input, and two heads' key and value
/// inputs.
final class PathPatchingReferenceTests: XCTestCase {
  static let tolerance = 1e-4

  struct Reference: Decodable {
    struct Case: Decodable {
      let clean_tokens: [[Int]]
      let corrupted_tokens: [[Int]]
      let answer: [Int]
      let wrong: [Int]
      let metric_clean: Double
      let metric_corrupted: Double
    }
    struct Receiver: Decodable {
      let senders: [String]
      let values: [[Double?]]
    }
    let `case`: Case
    let receivers: [String: Receiver]

    static func load() throws -> Reference {
      let url = Fixtures.resources(in: .module).appendingPathComponent("references/path-patching-tiny-f32.json")
      return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func pair(_ subject: AnalysisSubject) throws -> PromptPairBatch {
      try PromptPairBatch(clean: `case`.clean_tokens, corrupted: `case`.corrupted_tokens, answers: `case`.answer,
                          wrongs: `case`.wrong, tokenText: subject.tokenText)
    }
  }

  func testPathPatchingMatchesTransformerLensForEachReceiverSet() throws {
    let reference = try Reference.load()
    let subject = try TinySubject.load()
    XCTAssertEqual(Set(reference.receivers.keys), ["logits", "1.2:q", "1.0:k,1.3:v"])
    for (name, expected) in reference.receivers.sorted(by: { $0.key < $1.key }) {
      let result = try PathPatching.run(subject: subject, groups: [try reference.pair(subject)], receivers: try PathReceivers(parsing: name),
                                        normalisation: .none)
      XCTAssertEqual(result.kind, "path.\(name)")
      XCTAssertEqual(result.shape, [2, 4])
      XCTAssertNoThrow(try result.validate())
      XCTAssertEqual(result.params["senders"], .strings(expected.senders), name)
      XCTAssertEqual(result.metric?.clean ?? .nan, reference.case.metric_clean, accuracy: Self.tolerance, name)
      XCTAssertEqual(result.metric?.corrupted ?? .nan, reference.case.metric_corrupted, accuracy: Self.tolerance, name)
      var worst = 0.0
      for l in 0..<2 {
        for h in 0..<4 {
          let cell = result.values.cells[l * 4 + h]
          guard let want = expected.values[l][h] else {
            XCTAssertEqual(cell, .missing, "\(name) sender \(l).\(h) cannot reach the receivers: null")
            continue
          }
          let got = try XCTUnwrap(cell.number, "\(name) sender \(l).\(h)")
          worst = max(worst, abs(got - want))
          XCTAssertEqual(got, want, accuracy: Self.tolerance, "\(name) sender \(l).\(h)")
        }
      }
      print("path patching \(name): max |HeadLab - TransformerLens| = \(worst)")
    }
  }

  /// The relative normalisation is (patched - clean) / clean of the same run's numbers.
  func testRelativeNormalisationIsTheChangeOverTheCleanMetric() throws {
    let reference = try Reference.load()
    let subject = try TinySubject.load()
    let pair = try reference.pair(subject)
    let raw = try PathPatching.run(subject: subject, groups: [pair], receivers: .logits, normalisation: .none)
    let relative = try PathPatching.run(subject: subject, groups: [pair], receivers: .logits)
    let clean = try XCTUnwrap(raw.metric?.clean)
    for (r, n) in zip(raw.values.cells, relative.values.cells) {
      XCTAssertEqual(try XCTUnwrap(n.number), (try XCTUnwrap(r.number) - clean) / clean, accuracy: 1e-12)
    }
    XCTAssertEqual(relative.params["normalisation"], "relative")
  }

  /// Prompts of different lengths run padded: each row's numbers equal its own unpadded run.
  func testPaddedRowsMatchTheirOwnRuns() throws {
    let reference = try Reference.load()
    let subject = try TinySubject.load()
    let c = reference.case
    let short = try PromptPairBatch(clean: [Array(c.clean_tokens[0].prefix(7))], corrupted: [Array(c.corrupted_tokens[0].prefix(7))],
                                    answers: [c.answer[0]], wrongs: [c.wrong[0]], tokenText: subject.tokenText)
    let long = try PromptPairBatch(clean: [c.clean_tokens[1]], corrupted: [c.corrupted_tokens[1]], answers: [c.answer[1]], wrongs: [c.wrong[1]], tokenText: subject.tokenText)
    let mixed = try PromptPairBatch(clean: short.clean + long.clean, corrupted: short.corrupted + long.corrupted,
                                    answers: short.answers + long.answers, wrongs: short.wrongs + long.wrongs, tokenText: subject.tokenText)
    let receivers = try PathReceivers(parsing: "1.2:q")
    let together = try PathPatching.run(subject: subject, groups: [mixed], receivers: receivers, normalisation: .none)
    let alone = try [short, long].map { try PathPatching.run(subject: subject, groups: [$0], receivers: receivers, normalisation: .none) }
    for i in 0..<4 {
      let mean = (try XCTUnwrap(alone[0].values.cells[i].number) + (try XCTUnwrap(alone[1].values.cells[i].number))) / 2
      XCTAssertEqual(try XCTUnwrap(together.values.cells[i].number), mean, accuracy: 1e-5, "sender 0.\(i)")
    }
  }

  func testBadReceiversAndSendersAreRefusedNamingThem() throws {
    let subject = try TinySubject.load()
    let reference = try Reference.load()
    let pair = try reference.pair(subject)
    XCTAssertThrowsError(try PathReceivers(parsing: "1.2:x")) { XCTAssertTrue("\($0)".contains("q, k or v"), "\($0)") }
    XCTAssertThrowsError(try PathReceivers(parsing: "1.2:q,1.2:q")) { XCTAssertTrue("\($0)".contains("1.2:q"), "\($0)") }
    XCTAssertThrowsError(try PathPatching.run(subject: subject, groups: [pair], receivers: try PathReceivers(parsing: "0.1:q"))) {
      XCTAssertTrue("\($0)".contains("layer 0"), "\($0)")
    }
    XCTAssertThrowsError(try PathPatching.run(subject: subject, groups: [pair], receivers: try PathReceivers(parsing: "1.2:q"), senders: [HeadIndex(1, 0)])) {
      XCTAssertTrue("\($0)".contains("1.0"), "\($0)")
    }
    XCTAssertThrowsError(try PathPatching.run(subject: subject, groups: [pair], receivers: try PathReceivers(parsing: "5.0:q"))) {
      XCTAssertTrue("\($0)".contains("5"), "\($0)")
    }
    XCTAssertEqual(try PathReceivers(parsing: "1.2").description, "1.2:q,1.2:k,1.2:v")
  }

  /// A cancelled run returns the senders it finished and nulls elsewhere, marked incomplete.
  func testCancelledRunIsIncomplete() throws {
    let subject = try TinySubject.load()
    let pair = try Reference.load().pair(subject)
    let progress = AnalysisProgress()
    progress.cancel()
    let result = try PathPatching.run(subject: subject, groups: [pair], receivers: .logits, progress: progress)
    XCTAssertFalse(result.complete)
    XCTAssertEqual(result.values.missingCount, 8)
    XCTAssertNoThrow(try result.validate())
  }
}
