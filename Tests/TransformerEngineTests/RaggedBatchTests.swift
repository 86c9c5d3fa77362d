import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Right-padded batches (`PaddedBatch`): each row against its unpadded run (1e-5), and against
/// transformers with attention_mask / position_ids and TransformerLens with attention_mask
/// (1e-4), references from `scripts/make_engine_analysis_fixtures.py`.
final class RaggedBatchTests: XCTestCase {
  func testEachRowOfAPaddedBatchGivesItsUnpaddedLogits() throws {
    let f = try EngineAnalysisFixture()
    let batch = PaddedBatch(f.reference.ragged.rows, padToken: f.reference.ragged.pad_token)
    XCTAssertEqual(batch.lengths, f.reference.ragged.lengths)
    let all = try f.model.forward(batch, logits: .all)
    let last = try f.model.forward(batch)  // .last: each row's last real token
    let V = f.model.config.vocabularySize, T = batch.positions
    for (b, row) in f.reference.ragged.rows.enumerated() {
      let alone = try f.model.forward([row], logits: .all)
      let n = row.count
      let real = Tensor(shape: [1, n, V], values: Array(all.values[(b * T * V)..<((b * T + n) * V)]))
      assertClose(real, alone, tolerance: 1e-5, "row \(b) (length \(n)) vs its unpadded run")
      assertClose(rows(last, b..<(b + 1)), try f.model.forward([row]), tolerance: 1e-5, "row \(b) .last")
    }
  }

  func testPaddedBatchMatchesTransformersAndTransformerLens() throws {
    let f = try EngineAnalysisFixture()
    let batch = PaddedBatch(f.reference.ragged.rows, padToken: f.reference.ragged.pad_token)
    let all = try f.model.forward(batch, logits: .all)
    // transformers (position_ids 0..T-1, padded keys masked): every position, padding included.
    assertClose(all, try f.tensor("ragged/hf_logits"), tolerance: 1e-4, "padded batch vs transformers")
    // TransformerLens gives padded positions other position ids: real positions only.
    let tl = try f.tensor("ragged/tl_logits")
    let V = f.model.config.vocabularySize, T = batch.positions
    for (b, n) in batch.lengths.enumerated() {
      let range = (b * T * V)..<((b * T + n) * V)
      assertClose(Tensor(shape: [n, V], values: Array(all.values[range])), Tensor(shape: [n, V], values: Array(tl.values[range])),
                  tolerance: 1e-4, "row \(b) real positions vs TransformerLens")
    }
  }

  func testHookTensorsKeepPaddedShapesAndPaddedKeysGetNoAttention() throws {
    let f = try EngineAnalysisFixture()
    let batch = PaddedBatch(f.reference.ragged.rows)
    let (B, T, NH) = (batch.tokens.count, batch.positions, f.model.config.heads)
    let sites: Set<HookSite> = [.block(1, .pattern), .block(1, .attnScores), .block(0, .residPre)]
    let (_, cache) = try f.model.runWithCache(batch, sites: sites)
    let pattern = cache[.block(1, .pattern)]!, scores = cache[.block(1, .attnScores)]!
    XCTAssertEqual(pattern.shape, [B, NH, T, T])
    XCTAssertEqual(cache[.block(0, .residPre)]!.shape, [B, T, f.model.config.modelDim])
    var attendedPadding = 0, unmaskedScores = 0, badPaddedQueries = 0
    for (b, n) in batch.lengths.enumerated() where n < T {
      for h in 0..<NH {
        for q in 0..<T {
          for k in n..<T where pattern[b, h, q, k] != 0 { attendedPadding += 1 }
          for k in n..<T where scores[b, h, q, k] != -.infinity { unmaskedScores += 1 }
          if q >= n && abs((0..<n).map { pattern[b, h, q, $0] }.reduce(0, +) - 1) > 1e-5 { badPaddedQueries += 1 }
        }
      }
    }
    XCTAssertEqual(attendedPadding, 0, "pattern entries on padded keys that are not 0")
    XCTAssertEqual(unmaskedScores, 0, "scores on padded keys that are not -inf")
    XCTAssertEqual(badPaddedQueries, 0, "padded queries whose pattern over the real keys does not sum to 1")
  }

  /// Backward through a padded batch: the gates' gradient (of a mean over rows at each row's last
  /// real token) is the mean of the unpadded rows' gradients; resid_pre's gradient at real
  /// positions is the row's own / B.
  func testGradientsThroughAPaddedBatchEqualTheUnpaddedRows() throws {
    let f = try EngineAnalysisFixture()
    let model = f.model
    let batch = PaddedBatch(f.reference.ragged.rows)
    let answers = [7, 100, 250]
    let gates = Tensor(shape: [model.config.layers, model.config.heads], values: seededValues(model.config.layers * model.config.heads, seed: 5).map { 1 + 0.3 * $0 })
    let site = HookSite.block(0, .residPre)
    let padded = try model.withHeadGates(gates) {
      try model.gradients(batch, sites: [site], objective: Objectives.logProbability(of: answers))
    }
    let B = Float(batch.tokens.count), T = batch.positions, C = model.config.modelDim
    var gateSum = Tensor(shape: gates.shape)
    for (b, row) in f.reference.ragged.rows.enumerated() {
      let alone = try model.withHeadGates(gates) {
        try model.gradients([row], sites: [site], objective: Objectives.logProbability(of: [answers[b]]))
      }
      for i in gateSum.values.indices { gateSum.values[i] += alone.headGateGradient!.values[i] / B }
      let n = row.count
      let real = Tensor(shape: [1, n, C], values: Array(padded.activationGradients[site]!.values[(b * T * C)..<((b * T + n) * C)]))
      let own = alone.activationGradients[site]!
      assertClose(real, Tensor(shape: own.shape, values: own.values.map { $0 / B }), tolerance: 1e-6, "row \(b) resid_pre gradient")
    }
    assertClose(padded.headGateGradient!, gateSum, tolerance: 1e-5, "gate gradient vs the unpadded rows")
    XCTAssertGreaterThan(gateSum.values.map(abs).max()!, 1e-3, "gate gradients are all zero")
  }

  func testStartAtLayerOnAPaddedBatch() throws {
    let f = try EngineAnalysisFixture()
    let batch = PaddedBatch(f.reference.ragged.rows)
    let (logits, cache) = try f.model.runWithCache(batch, sites: [.block(1, .residPre)], logits: .all)
    let started = try f.model.forward(fromLayer: 1, residual: cache[.block(1, .residPre)]!, lengths: batch.lengths, logits: .all)
    XCTAssertEqual(started.values, logits.values)
  }

  func testEmptyRowsAndBadLengthsAreRefused() throws {
    let model = try EngineAnalysisFixture().model
    XCTAssertThrowsError(try model.forward(PaddedBatch([[0, 1], []]))) { XCTAssertEqual($0 as? EngineError, .emptyPrompt) }
    XCTAssertThrowsError(try model.forward(fromLayer: 0, residual: Tensor(shape: [2, 3, model.config.modelDim]), lengths: [3, 4])) { error in
      XCTAssertTrue("\(error)".contains("row 1 has length 4"), "\(error)")
    }
  }
}
