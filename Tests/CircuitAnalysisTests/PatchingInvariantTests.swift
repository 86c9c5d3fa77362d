import CircuitAnalysis
import TransformerEngine
import XCTest

/// Invariants of patching, ablation and attribution patching that hold on any model.
final class PatchingInvariantTests: XCTestCase {
  var subject: AnalysisSubject!
  let clean = [0, 17, 200, 45, 9, 88, 31, 250, 3, 61]
  let corrupted = [0, 17, 121, 45, 9, 88, 99, 250, 3, 61]

  override func setUpWithError() throws { subject = try TinySubject.load() }

  func pair(_ c: [Int], _ k: [Int]) throws -> PromptPairBatch {
    try PromptPairBatch(clean: c, corrupted: k, answer: 7, wrong: 12, tokenText: subject.tokenText)
  }

  /// Patching the clean run into itself gives the clean metric in every cell within 1e-6
  /// relative, for every sweep and both directions. Not bit-exact: the baseline runs one prompt
  /// through the engine's few-row kernels while stacked variants go through OpenBLAS, whose
  /// tall products also round their edge rows differently; measured up to 3.1e-7 relative.
  func testPatchingARunIntoItselfGivesItsMetric() throws {
    let same = try pair(clean, clean)
    for sweep in PatchingSweep.allCases {
      for direction in PatchDirection.allCases {
        let r = try ActivationPatching.sweep(sweep, subject: subject, pair: same, direction: direction)
        let clean = try XCTUnwrap(r.metric?.clean)
        let values = r.values.numbers.map { $0! }
        for v in values { XCTAssertEqual(v, clean, accuracy: 1e-6 * abs(clean), sweep.rawValue) }
        XCTAssertEqual(r.shape, r.values.shape)
        XCTAssertTrue(r.complete)
      }
    }
  }

  func testAblatingNothingIsTheIdentity() throws {
    let r = try HeadAblation.heads([], subject: subject, groups: [try pair(clean, clean)])
    XCTAssertEqual(try XCTUnwrap(r.values.cells[0].number), try XCTUnwrap(r.metric?.clean))
    XCTAssertEqual(r.shape, [])
  }

  /// Zero-ablating a head through a patch of z equals a zero head gate.
  func testZeroAblationEqualsAZeroGate() throws {
    let metric = Metric.logitDifference(answers: [7], wrongs: [12])
    let r = try HeadAblation.eachHead(subject: subject, groups: [try pair(clean, clean)])
    for l in 0..<2 {
      for h in 0..<4 {
        var gates = Tensor(shape: [2, 4], repeating: 1)
        gates.values[l * 4 + h] = 0
        let gated = try subject.model.withHeadGates(gates) { try metric.mean(subject.model.forward([clean])) }
        XCTAssertEqual(try XCTUnwrap(r.values[l, h].number), gated, accuracy: 1e-5, "head \(l).\(h)")
      }
    }
  }

  /// The normalised score is 0 at the corrupted baseline and 1 at the clean one: denoising with
  /// the whole residual stream of the last layer at every position restores the clean metric.
  func testNormalisedScoreEndpoints() throws {
    let p = try pair(clean, corrupted)
    let r = try ActivationPatching.sweep(.residPre, subject: subject, pair: p, normalise: true)
    // Position 0 (identical BOS) changes nothing: score 0 at every layer.
    for l in 0..<2 { XCTAssertEqual(try XCTUnwrap(r.values[l, 0].number), 0, accuracy: 1e-5) }
    // At layer 0 the differing positions are the only inputs that differ; patching the last
    // position's residual at the last layer restores the last position entirely.
    let post = try ActivationPatching.sweep(.residPost, subject: subject, pair: p, normalise: true)
    XCTAssertEqual(try XCTUnwrap(post.values[1, 9].number), 1, accuracy: 1e-5)
  }

  func testMisalignedPairShowsBothTokenisations() throws {
    XCTAssertThrowsError(try pair(clean, Array(corrupted.dropLast()))) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains("clean:") && text.contains("corrupted:") && text.contains("10 tokens"), text)
    }
  }

  func testBadHeadAndPositionAreRefused() throws {
    let p = try pair(clean, clean)
    XCTAssertThrowsError(try HeadAblation.heads([HeadIndex(2, 0)], subject: subject, groups: [p])) {
      XCTAssertTrue("\($0)".contains("head 2.0 does not exist"), "\($0)")
    }
    XCTAssertThrowsError(try HeadAblation.heads([HeadIndex(0, 1)], subject: subject, groups: [p], positions: [10])) {
      XCTAssertTrue("\($0)".contains("position 10"), "\($0)")
    }
  }

  /// A cancelled sweep is marked incomplete, with nulls for what it did not compute.
  func testCancelledSweepIsIncompleteWithNulls() throws {
    let progress = AnalysisProgress { done, _ in }
    progress.cancel()
    let r = try ActivationPatching.sweep(.headOutAllPositions, subject: subject, pair: try pair(clean, corrupted), progress: progress)
    XCTAssertFalse(r.complete)
    XCTAssertEqual(r.values.missingCount, 8)
    XCTAssertNoThrow(try r.validate())
    let json = String(data: try r.jsonData(), encoding: .utf8)!
    XCTAssertTrue(json.contains(#""values":[[null,null,null,null],[null,null,null,null]]"#) && json.contains(#""complete":false"#), json)
  }
}

/// Mean and resample ablation pick their reference rows by template, and agree with patching.
final class AblationReferenceTests: XCTestCase {
  let clean = [0, 17, 200, 45, 9, 88, 31, 250, 3, 61]
  let other = [0, 17, 121, 45, 9, 88, 99, 250, 3, 61]
  let third = [0, 5, 6, 7, 8, 9, 10, 11, 12, 13]

  /// Mean ablation over a reference that is the prompt itself changes nothing; resampling from a
  /// one-prompt pool of the right template equals noising attn_head_out_all_pos from that prompt.
  func testMeanAndResampleUseTheTemplatesReference() throws {
    let subject = try TinySubject.load()
    let pair = try PromptPairBatch(clean: [clean], corrupted: [other], answers: [7], wrongs: [12], templates: ["t1"], tokenText: subject.tokenText)
    let itself = try AblationReference(tokens: [clean], name: "itself")
    let mean = try HeadAblation.eachHead(subject: subject, groups: [pair], mode: .mean(itself))
    for v in mean.values.numbers { XCTAssertEqual(v!, try XCTUnwrap(mean.metric?.clean), accuracy: 1e-5) }

    let reference = try AblationReference(tokens: [third, other, third], templates: ["t0", "t1", "t2"], name: "by template")
    let noising = try ActivationPatching.sweep(.headOutAllPositions, subject: subject, pair: pair, direction: .noising)
    for mode in [AblationMode.mean(reference), .resample(reference, seed: 3)] {
      let r = try HeadAblation.eachHead(subject: subject, groups: [pair], mode: mode)
      for (a, b) in zip(r.values.numbers, noising.values.numbers) { XCTAssertEqual(a!, b!, accuracy: 1e-5, mode.name) }
      XCTAssertEqual(r.params["mode"], .string(mode.name))
    }
    let missing = try AblationReference(tokens: [third], templates: ["t0"], name: "no template t1")
    XCTAssertThrowsError(try HeadAblation.eachHead(subject: subject, groups: [pair], mode: .mean(missing))) {
      XCTAssertTrue("\($0)".contains("template t1"), "\($0)")
    }
  }
}

/// A dataset of prompts of different lengths runs as one right-padded batch: its per-prompt
/// values equal each prompt run alone.
final class RaggedBatchAnalysisTests: XCTestCase {
  func testRaggedBatchEqualsEachPromptAlone() throws {
    let subject = try TinySubject.load()
    let rows: [(clean: [Int], corrupted: [Int], answer: Int, wrong: Int)] = [
      ([0, 17, 200, 45, 9, 88, 31, 250, 3, 61], [0, 17, 121, 45, 9, 88, 99, 250, 3, 61], 7, 12),
      ([0, 4, 90, 45, 19, 8], [0, 4, 91, 45, 19, 8], 30, 44),
    ]
    let ragged = try PromptPairBatch(clean: rows.map(\.clean), corrupted: rows.map(\.corrupted), answers: rows.map(\.answer), wrongs: rows.map(\.wrong), tokenText: subject.tokenText)
    let alone = try rows.map { try PromptPairBatch(clean: $0.clean, corrupted: $0.corrupted, answer: $0.answer, wrong: $0.wrong, tokenText: subject.tokenText) }
    for direction in PatchDirection.allCases {
      let together = try ActivationPatching.sweep(.headOutAllPositions, subject: subject, pair: ragged, direction: direction)
      let single = try alone.map { try ActivationPatching.sweep(.headOutAllPositions, subject: subject, pair: $0, direction: direction) }
      for i in 0..<8 {
        let mean = (single[0].values.cells[i].number! + single[1].values.cells[i].number!) / 2
        XCTAssertEqual(together.values.cells[i].number!, mean, accuracy: 1e-5, "\(direction) cell \(i)")
      }
      XCTAssertEqual(together.count, 2)
    }
    let ablation = try HeadAblation.eachHead(subject: subject, groups: [ragged])
    let singles = try alone.map { try HeadAblation.eachHead(subject: subject, groups: [$0]) }
    for i in 0..<8 {
      XCTAssertEqual(ablation.values.cells[i].number!, (singles[0].values.cells[i].number! + singles[1].values.cells[i].number!) / 2, accuracy: 1e-5)
    }
    XCTAssertThrowsError(try ActivationPatching.sweep(.residPre, subject: subject, pair: ragged)) {
      XCTAssertTrue("\($0)".contains("same length"), "\($0)")
    }
  }
}

/// Means computed once ahead (`AblationReference.computingMeans`) ablate exactly as the means
/// taken per block from the reference rows: the same per-template pooling, within float32 noise.
final class AblationMeansTests: XCTestCase {
  func testPrecomputedMeansAblateLikeTheMeansPerBlock() throws {
    let subject = try TinySubject.load()
    let rows = (0..<12).map { r in [0] + (1..<10).map { (r * 37 + $0 * 11) % 300 + 1 } }
    let templates = (0..<12).map { "t\($0 % 3)" }
    let reference = try AblationReference(tokens: rows + [[0, 4, 5]], templates: templates + ["t0"], name: "reference")
    let prompts = try PromptPairBatch(clean: Array(rows.prefix(9)), corrupted: Array(rows.prefix(9)), answers: Array(repeating: 7, count: 9),
                                      wrongs: Array(repeating: 12, count: 9), templates: Array(templates.prefix(9)), tokenText: subject.tokenText)
    let perBlock = try HeadAblation.eachHead(subject: subject, groups: [prompts], mode: .mean(reference))
    let ahead = try HeadAblation.eachHead(subject: subject, groups: [prompts], mode: .mean(try reference.computingMeans(subject: subject)))
    XCTAssertEqual(ahead.params, perBlock.params, "the same mode in the result")
    var largest = 0.0
    for (a, b) in zip(ahead.values.numbers + ahead.stderr!.numbers, perBlock.values.numbers + perBlock.stderr!.numbers) {
      XCTAssertEqual(a!, b!, accuracy: 1e-5)
      largest = max(largest, abs(a! - b!))
    }
    print("precomputed vs per-block mean ablation: largest difference \(largest)")
    // The ablation moves the metric away from the unablated value, so equal numbers mean something.
    let moved = perBlock.values.numbers.map { abs($0! - perBlock.metric!.clean!) }.max()!
    XCTAssertGreaterThan(moved, 1e-3)
    let untemplated = try PromptPairBatch(clean: [rows[0]], corrupted: [rows[0]], answers: [7], wrongs: [12], tokenText: subject.tokenText)
    let pooled = try HeadAblation.eachHead(subject: subject, groups: [untemplated], mode: .mean(reference))
    let pooledAhead = try HeadAblation.eachHead(subject: subject, groups: [untemplated], mode: .mean(try reference.computingMeans(subject: subject)))
    for (a, b) in zip(pooledAhead.values.numbers, pooled.values.numbers) { XCTAssertEqual(a!, b!, accuracy: 1e-5, "without templates: every length-10 row") }
    let short = try PromptPairBatch(clean: [[0, 4, 5, 6]], corrupted: [[0, 4, 5, 6]], answers: [7], wrongs: [12], tokenText: subject.tokenText)
    XCTAssertThrowsError(try HeadAblation.eachHead(subject: subject, groups: [short], mode: .mean(try reference.computingMeans(subject: subject)))) {
      XCTAssertTrue("\($0)".contains("with 4 tokens"), "\($0)")
    }
  }
}
