import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Head gates with a batch axis [B,L,NH]: each row its own ablation, in one pass.
final class RowWiseHeadGateTests: XCTestCase {
  func fixture() throws -> (TransformerModel, [[Int]], Tensor) {
    let model = try EngineAnalysisFixture().model
    let (L, NH) = (model.config.layers, model.config.heads)
    let tokens = seededTokens(B: 3, T: 6, vocabularySize: model.config.vocabularySize, seed: 31)
    var gates = Tensor(shape: [3, L, NH], values: seededValues(3 * L * NH, seed: 32).map { 1 + 0.5 * $0 })
    gates[0, 1, 2] = 0  // row 0 ablates head 1.2, row 1 heads 0.0 and 0.3, row 2 none
    gates[1, 0, 0] = 0
    gates[1, 0, 3] = 0
    return (model, tokens, gates)
  }

  func gates(of rowGates: Tensor, row b: Int) -> Tensor { rows(rowGates, b..<(b + 1)).reshaped(Array(rowGates.shape.dropFirst())) }

  func testRowsWithDifferentGatesEqualEachRowRunAlone() throws {
    let (model, tokens, rowGates) = try fixture()
    let batch = try model.withHeadGates(rowGates) { try model.forward(tokens, logits: .all) }
    for b in 0..<tokens.count {
      let alone = try model.withHeadGates(gates(of: rowGates, row: b)) { try model.forward([tokens[b]], logits: .all) }
      assertClose(rows(batch, b..<(b + 1)), alone, tolerance: 1e-5, "row \(b) with its own gates")
    }
    // The same tokens in every row: the rows differ only by their gates.
    let same = Array(repeating: tokens[0], count: 3)
    let stacked = try model.withHeadGates(rowGates) { try model.forward(same, logits: .all) }
    XCTAssertGreaterThan(rows(stacked, 0..<1).maxAbsDifference(rows(stacked, 2..<3)), 0.01, "rows with different gates agree")
  }

  /// [B,L,NH] gates give a [B,L,NH] gradient, row b's own (of a mean over rows: / B); [L,NH]
  /// gates give the sum over rows.
  func testGateGradientIsPerRowForRowWiseGatesAndSummedForShared() throws {
    let (model, tokens, rowGates) = try fixture()
    let answers = [3, 30, 300]
    let batch = try model.withHeadGates(rowGates) { try model.gradients(tokens, objective: Objectives.logProbability(of: answers)) }
    XCTAssertEqual(batch.headGateGradient?.shape, rowGates.shape)
    let B = Float(tokens.count)
    for b in 0..<tokens.count {
      let alone = try model.withHeadGates(gates(of: rowGates, row: b)) {
        try model.gradients([tokens[b]], objective: Objectives.logProbability(of: [answers[b]]))
      }
      let expected = Tensor(shape: [1] + alone.headGateGradient!.shape, values: alone.headGateGradient!.values.map { $0 / B })
      assertClose(rows(batch.headGateGradient!, b..<(b + 1)), expected, tolerance: 1e-5, "row \(b) gate gradient")
    }

    let shared = gates(of: rowGates, row: 2)
    let replicated = Tensor(shape: rowGates.shape, values: Array([[Float]](repeating: shared.values, count: 3).joined()))
    let perRow = try model.withHeadGates(replicated) { try model.gradients(tokens, objective: Objectives.logProbability(of: answers)) }
    let summed = try model.withHeadGates(shared) { try model.gradients(tokens, objective: Objectives.logProbability(of: answers)) }
    var total = Tensor(shape: shared.shape)
    for b in 0..<3 { for i in total.values.indices { total.values[i] += perRow.headGateGradient!.values[b * total.count + i] } }
    assertClose(summed.headGateGradient!, total, tolerance: 1e-5, "shared gates' gradient vs the sum of row-wise ones")
  }

  func testRowWiseGatesMustMatchTheBatch() throws {
    let (model, tokens, rowGates) = try fixture()
    XCTAssertThrowsError(try model.withHeadGates(rowGates) { try model.forward(Array(tokens.prefix(2))) }) { error in
      XCTAssertTrue("\(error)".contains("batch has 2 rows"), "\(error)")
    }
    XCTAssertThrowsError(try model.withHeadGates(Tensor(shape: [3, 1, 4])) { 0 }) { error in
      XCTAssertTrue("\(error)".contains("[3, 1, 4]"), "\(error)")
    }
  }
}
