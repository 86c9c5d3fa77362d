import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Logit lens, residual decomposition, DLA, the TransformerLens head detectors, the attention
/// sink and the weight scores against `scripts/make_lens_detector_fixtures.py` on
/// models/tiny-f32, all within 1e-4 max abs.
final class LensDetectorReferenceTests: XCTestCase {
  static let tolerance: Float = 1e-4

  func testDetectHeadMatchesTransformerLensForEveryPatternMeasureAndExclusion() throws {
    let f = try LensDetectorFixture()
    let names: [(HeadDetector, String)] = [(.previousToken, "previous_token_head"), (.duplicateToken, "duplicate_token_head"), (.induction, "induction_head")]
    var checked = 0
    for measure in PatternScoring.ErrorMeasure.allCases {
      for bos in [false, true] {
        for current in [false, true] {
          let scoring = PatternScoring(errorMeasure: measure, excludeBOS: bos, excludeCurrentToken: current)
          let results = try HeadDetectors.run(f.subject, detectors: names.map(\.0), inputs: HeadDetectorInputs(sequences: f.document.repeated_tokens, scoring: scoring))
          try LensDetectorFixture.checkFormat(results)
          for ((detector, tlName), result) in zip(names, results) {
            XCTAssertEqual(result.kind, detector.kind)
            XCTAssertEqual(result.params["error_measure"], .string(measure.rawValue))
            let expected = try f.tensors.tensor("detect/\(tlName)/\(measure.rawValue)/bos\(bos ? 1 : 0)/cur\(current ? 1 : 0)")
            assertClose(try LensDetectorFixture.tensor(result, shape: [2, 4]), expected, tolerance: Self.tolerance,
                        "\(detector.kind) \(measure) exclude_bos=\(bos) exclude_current_token=\(current)")
            checked += 1
          }
        }
      }
    }
    XCTAssertEqual(checked, 24)
  }

  func testDetectHeadOnOneSequence() throws {
    let f = try LensDetectorFixture()
    let results = try HeadDetectors.run(f.subject, detectors: [.previousToken, .duplicateToken, .induction],
                                        inputs: HeadDetectorInputs(sequences: [f.document.repeated_tokens[0]]))
    for (result, tlName) in zip(results, ["previous_token_head", "duplicate_token_head", "induction_head"]) {
      assertClose(try LensDetectorFixture.tensor(result, shape: [2, 4]), try f.tensors.tensor("detect_single/\(tlName)/mul/bos0/cur0"),
                  tolerance: Self.tolerance, "\(result.kind) on sequence 0")
    }
  }

  func testAttentionSinkIsTheMeanAttentionToPositionZero() throws {
    let f = try LensDetectorFixture()
    let results = try HeadDetectors.run(f.subject, detectors: [.attentionSink], inputs: HeadDetectorInputs(sequences: f.document.repeated_tokens))
    try LensDetectorFixture.checkFormat(results)
    XCTAssertEqual(results.map(\.kind), ["detect.attention_sink"])
    assertClose(try LensDetectorFixture.tensor(results[0], shape: [2, 4]), try f.tensors.tensor("detect/attention_sink"), tolerance: Self.tolerance, "attention sink")
  }

  func testLogitLensMatchesTransformerLensAccumulatedResidual() throws {
    let f = try LensDetectorFixture()
    let results = try LogitLens.run(f.subject, tokens: f.document.lens_tokens, answer: f.document.answer, topK: 5)
    try LensDetectorFixture.checkFormat(results)
    XCTAssertEqual(results.map(\.kind), ["lens", "lens.topk", "lens.topk_prob"])
    let lens = results[0], lens_ = f.document.lens
    XCTAssertEqual(lens.axes[0].labels, lens_.labels)
    XCTAssertEqual(lens.axes[1].labels, ["logit", "prob", "rank"])
    let expected = Tensor(shape: [3, 3], values: (0..<3).flatMap { r in [Float(lens_.answer_logit[r]), Float(lens_.answer_prob[r]), Float(lens_.answer_rank[r])] })
    assertClose(try LensDetectorFixture.tensor(lens, shape: [3, 3]), expected, tolerance: Self.tolerance, "lens answer logit, prob, rank")
    XCTAssertEqual(results[1].values.cells, lens_.topk_ids.flatMap { $0.map { .token(f.tokenizer.decode([$0])) } }, "top-5 tokens per layer")
    // The top-k probabilities from the reference's full lens logits.
    let logits = try f.tensors.tensor("lens/logits")  // [L+1, V]
    let V = logits.shape[1]
    var probabilities = [Float]()
    for r in 0..<3 {
      let row = logits.values[(r * V)..<((r + 1) * V)].map(Double.init)
      let top = row.max()!, total = row.reduce(0.0) { $0 + exp($1 - top) }
      probabilities += lens_.topk_ids[r].map { Float(exp(row[$0] - top) / total) }
    }
    assertClose(try LensDetectorFixture.tensor(results[2], shape: [3, 5]), Tensor(shape: [3, 5], values: probabilities), tolerance: Self.tolerance, "top-5 probabilities")
  }

  func testResidualDecompositionMatchesDecomposeResidAndStackHeadResults() throws {
    let f = try LensDetectorFixture()
    let d = try ResidualDecomposition(f.subject, tokens: f.document.lens_tokens)
    let C = 32, L = 2, NH = 4
    XCTAssertEqual(d.labels, Array(f.document.dla.labels.dropLast(2)))
    func rows(_ t: Tensor, _ indices: [Int]) -> Tensor { Tensor(shape: [indices.count, C], values: indices.flatMap { t.values[($0 * C)..<(($0 + 1) * C)] }) }
    let heads = Array(2..<(2 + L * NH)), biases = Array((2 + L * NH)..<(2 + L * NH + L)), mlps = Array((2 + L * NH + L)..<(2 + L * NH + 2 * L))
    for (tensor, suffix) in [(d.components, ""), (d.scaled, "_ln")] {
      let decomposed = try f.tensors.tensor("dla/decompose_resid\(suffix)")  // embed, pos_embed, 0_attn_out, 0_mlp_out, ...
      assertClose(rows(tensor, [0, 1]), rows(decomposed, [0, 1]), tolerance: Self.tolerance, "embed, pos_embed\(suffix)")
      assertClose(rows(tensor, heads), try f.tensors.tensor("dla/stack_head_results\(suffix)"), tolerance: Self.tolerance, "stack_head_results\(suffix)")
      assertClose(rows(tensor, mlps), rows(decomposed, (0..<L).map { 3 + 2 * $0 }), tolerance: Self.tolerance, "mlp_out\(suffix)")
      // attn_out of layer l = its heads + its b_O.
      var attnOut = [Float]()
      for l in 0..<L {
        for c in 0..<C { attnOut.append((0..<NH).reduce(tensor.values[biases[l] * C + c]) { $0 + tensor.values[heads[l * NH + $1] * C + c] }) }
      }
      assertClose(Tensor(shape: [L, C], values: attnOut), rows(decomposed, (0..<L).map { 2 + 2 * $0 }), tolerance: Self.tolerance, "heads + b_O = attn_out\(suffix)")
    }
  }

  func testDirectLogitAttributionMatchesReferenceAndSumsToTheLogitDifference() throws {
    let f = try LensDetectorFixture()
    let results = try DirectLogitAttribution.run(f.subject, tokens: f.document.lens_tokens, answer: f.document.answer, wrong: f.document.wrong)
    try LensDetectorFixture.checkFormat(results)
    XCTAssertEqual(results.map(\.kind), ["dla", "dla.heads"])
    let dla = results[0]
    XCTAssertEqual(dla.axes[0].labels, f.document.dla.labels)
    let terms = try LensDetectorFixture.tensor(dla, shape: [16])
    assertClose(terms, try f.tensors.tensor("dla/terms"), tolerance: Self.tolerance, "DLA terms")
    assertClose(try LensDetectorFixture.tensor(results[1], shape: [2, 4]), Tensor(shape: [2, 4], values: Array(terms.values[2..<10])), tolerance: 0, "dla.heads = the head terms")
    let sum = dla.values.numbers.reduce(0.0) { $0 + $1! }
    let clean = try XCTUnwrap(dla.metric?.clean)
    XCTAssertEqual(clean, f.document.dla.logit_diff, accuracy: 1e-4, "the clean logit difference")
    XCTAssertEqual(sum, clean, accuracy: 1e-4, "the DLA terms sum to the logit difference")
  }

  func testEffectiveEmbeddingMatchesPyTorch() throws {
    let f = try LensDetectorFixture()
    for (adding, key) in [(false, "weights/effective_embedding"), (true, "weights/effective_embedding_plus_embed")] {
      let eprime = try EffectiveEmbedding.compute(f.subject.model, addingTokenEmbedding: adding)
      assertClose(eprime, try f.tensors.tensor(key), tolerance: Self.tolerance, key)
    }
    // A subset of rows is those rows of the whole (up to the matmul kernel's summation order).
    let whole = try EffectiveEmbedding.compute(f.subject.model)
    let some = try EffectiveEmbedding.compute(f.subject.model, tokens: [7, 300, 7])
    assertClose(some, Tensor(shape: [3, 32], values: [7, 300, 7].flatMap { whole.values[($0 * 32)..<(($0 + 1) * 32)] }), tolerance: 1e-5, "rows 7, 300, 7 of E'")
  }

  func testSuccessorAndCopyScoresMatchPyTorch() throws {
    let f = try LensDetectorFixture()
    for (adding, suffix) in [(false, ""), (true, "_plus_embed")] {
      let inputs = HeadDetectorInputs(successorTasks: f.successorTasks, copyTokens: f.document.copy_tokens, copyTopK: f.document.copy_k, addingTokenEmbedding: adding)
      let results = try HeadDetectors.run(f.subject, detectors: [.successor, .copy, .negativeCopy], inputs: inputs)
      try LensDetectorFixture.checkFormat(results)
      XCTAssertEqual(results.map(\.kind), ["detect.successor", "detect.successor.per_task", "detect.copy", "detect.negative_copy"])
      XCTAssertEqual(results[0].params["adds_token_embedding"], .bool(adding))
      assertClose(try LensDetectorFixture.tensor(results[0], shape: [2, 4]), try f.tensors.tensor("weights/successor\(suffix)"), tolerance: Self.tolerance, "successor\(suffix)")
      let perTask = try LensDetectorFixture.tensor(results[1], shape: [3, 2, 4])
      for (k, name) in LensDetectorFixture.taskOrder.enumerated() {
        assertClose(Tensor(shape: [2, 4], values: Array(perTask.values[(k * 8)..<((k + 1) * 8)])),
                    try f.tensors.tensor("weights/successor_task/\(name)\(suffix)"), tolerance: Self.tolerance, "successor task \(name)\(suffix)")
      }
      assertClose(try LensDetectorFixture.tensor(results[2], shape: [2, 4]), try f.tensors.tensor("weights/copy\(suffix)"), tolerance: Self.tolerance, "copy\(suffix)")
      assertClose(try LensDetectorFixture.tensor(results[3], shape: [2, 4]), try f.tensors.tensor("weights/negative_copy\(suffix)"), tolerance: Self.tolerance, "negative copy\(suffix)")
    }
  }
}
