import HeadLabTestSupport
import TransformerEngine
import XCTest

/// `LogitPositions.perRow`: one logit position per row, [B,1,V], against slicing `.all`.
final class PerRowLogitTests: XCTestCase {
  let positions = [2, 6, 0]

  func fixture() throws -> (TransformerModel, [[Int]]) {
    let model = try EngineAnalysisFixture().model
    return (model, seededTokens(B: 3, T: 7, vocabularySize: model.config.vocabularySize, seed: 21))
  }

  /// Row b of `all` [B,T,V] at positions[b], as [B,1,V].
  func sliced(_ all: Tensor, at positions: [Int]) -> Tensor {
    let (T, V) = (all.shape[1], all.shape[2])
    var out = Tensor(shape: [all.shape[0], 1, V])
    for (b, p) in positions.enumerated() { for v in 0..<V { out.values[b * V + v] = all.values[(b * T + p) * V + v] } }
    return out
  }

  func testForwardAndCacheEqualSlicingAllPositions() throws {
    let (model, tokens) = try fixture()
    let all = try model.forward(tokens, logits: .all)
    let picked = try model.forward(tokens, logits: .perRow(positions))
    XCTAssertEqual(picked.shape, [3, 1, model.config.vocabularySize])
    assertClose(picked, sliced(all, at: positions), tolerance: 1e-5, "perRow logits vs .all")
    let (logits, cache) = try model.runWithCache(tokens, sites: [HookSite(.unembedOut)], logits: .perRow(positions))
    XCTAssertEqual(logits.values, picked.values)
    XCTAssertEqual(cache[HookSite(.unembedOut)]?.shape, [3, 1, model.config.vocabularySize])
  }

  func testStartAtLayerWithPerRowPositions() throws {
    let (model, tokens) = try fixture()
    let (all, cache) = try model.runWithCache(tokens, sites: [.block(1, .residPre)], logits: .all)
    let started = try model.forward(fromLayer: 1, residual: cache[.block(1, .residPre)]!, logits: .perRow(positions))
    assertClose(started, sliced(all, at: positions), tolerance: 1e-5, "perRow logits from layer 1 vs .all")
  }

  /// The backward pass reads each row's own position: the batch's gradients (of a mean over rows)
  /// are the rows' own gradients at their positions, divided by B.
  func testGradientsMatchEachRowAtItsOwnPosition() throws {
    let (model, tokens) = try fixture()
    let answers = [5, 17, 200]
    let gates = Tensor(shape: [model.config.layers, model.config.heads], repeating: 1)
    let site = HookSite.block(0, .residPre)
    let batch = try model.withHeadGates(gates) {
      try model.gradients(tokens, logits: .perRow(positions), sites: [site], objective: Objectives.logProbability(of: answers))
    }
    let B = Float(tokens.count)
    var gateSum = Tensor(shape: gates.shape)
    for b in 0..<tokens.count {
      let alone = try model.withHeadGates(gates) {
        try model.gradients([tokens[b]], logits: .positions([positions[b]]), sites: [site], objective: Objectives.logProbability(of: [answers[b]]))
      }
      let expected = Tensor(shape: alone.activationGradients[site]!.shape, values: alone.activationGradients[site]!.values.map { $0 / B })
      assertClose(rows(batch.activationGradients[site]!, b..<(b + 1)), expected, tolerance: 1e-6, "row \(b) resid_pre gradient")
      for i in gateSum.values.indices { gateSum.values[i] += alone.headGateGradient!.values[i] / B }
    }
    assertClose(batch.headGateGradient!, gateSum, tolerance: 1e-5, "gate gradient vs the rows' own")
    XCTAssertGreaterThan(gateSum.values.map(abs).max()!, 1e-3, "gate gradients are all zero")
  }

  func testPositionsOutsideTheRowOrOfTheWrongCountAreRefused() throws {
    let (model, tokens) = try fixture()
    XCTAssertThrowsError(try model.forward(tokens, logits: .perRow([1, 2]))) { error in
      XCTAssertTrue("\(error)".contains("2 positions for 3 rows"), "\(error)")
    }
    XCTAssertThrowsError(try model.forward(tokens, logits: .perRow([1, 7, 2]))) { error in
      XCTAssertEqual(error as? EngineError, .badLogitPosition(7, positions: 7))
    }
  }
}
