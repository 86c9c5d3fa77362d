import CircuitAnalysis
import Foundation
import XCTest

/// The `headlab.result/1` JSON form: nesting in axis order, null for missing cells, round trips,
/// and exact merging of dataset shards.
final class ResultFormatTests: XCTestCase {
  let model = ModelIdentity(name: "default", sha256: String(repeating: "ab", count: 32))

  func grid23() -> AnalysisResult {
    var values = ResultGrid(shape: [2, 3], numbers: [0.5, 1.25, -2, 3, 0, 7.5])
    values[0, 1] = .missing
    return AnalysisResult(
      kind: "patch.attn_head_out_all_pos",
      metric: MetricSummary(name: "logit_diff", answer: " Mary", wrong: " John", clean: 3.21, corrupted: -0.47),
      axes: [.layers(2), .heads(3)], values: values,
      params: ["clean_ids": .integers([1, 2]), "direction": "denoising"], model: model, elapsedMs: 12, complete: false)
  }

  func testValuesNestInAxisOrderWithNullForMissingCells() throws {
    let json = try XCTUnwrap(String(data: try grid23().jsonData(), encoding: .utf8))
    XCTAssertTrue(json.contains(#""values":[[0.5,null,-2],[3,0,7.5]]"#), json)
    XCTAssertTrue(json.hasPrefix(#"{"axes":[{"labels":["0","1"],"name":"layer"}"#), json)
    XCTAssertTrue(json.contains(#""format":"headlab.result\/1""#) || json.contains(#""format":"headlab.result/1""#), json)
    XCTAssertTrue(json.contains(#""clean_ids":[1,2]"#), json)
  }

  func testRoundTripIsExact() throws {
    let original = grid23()
    let decoded = try AnalysisResult.decode(try original.jsonData())
    XCTAssertEqual(decoded, original)
    XCTAssertEqual(try decoded.jsonData(), try original.jsonData())
  }

  func testFloatValuesSurviveAtFullPrecision() throws {
    let x: Float = 0.1 + 1e-7
    var r = grid23()
    r.values[1, 2] = ResultCell(x)
    let decoded = try AnalysisResult.decode(try r.jsonData())
    XCTAssertEqual(decoded.values[1, 2].number.map(Float.init), x)
  }

  func testScalarAndTokenCells() throws {
    let scalar = AnalysisResult(kind: "metric", axes: [], values: .scalar(2.5), params: [:], model: model)
    XCTAssertTrue(String(data: try scalar.jsonData(), encoding: .utf8)!.contains(#""values":2.5"#))
    let tokens = AnalysisResult(kind: "lens.topk", axes: [.layers(1), .indexed("rank", count: 2)],
                                values: ResultGrid(shape: [1, 2], cells: [.token(" Mary"), .token(" the")]), params: [:], model: model)
    XCTAssertEqual(try AnalysisResult.decode(try tokens.jsonData()), tokens)
    try scalar.validate()
    try tokens.validate()
  }

  func testRaggedOrWronglyShapedValuesAreRefused() throws {
    var text = String(data: try grid23().jsonData(), encoding: .utf8)!
    text = text.replacingOccurrences(of: "[[0.5,null,-2],[3,0,7.5]]", with: "[[0.5,null,-2],[3,0]]")
    XCTAssertThrowsError(try AnalysisResult.decode(Data(text.utf8)))
    var wrong = grid23()
    wrong.axes = [.layers(3), .heads(2)]
    XCTAssertThrowsError(try wrong.validate())
    var newer = String(data: try grid23().jsonData(), encoding: .utf8)!
    newer = newer.replacingOccurrences(of: "headlab.result/1", with: "headlab.result/2")
    XCTAssertThrowsError(try AnalysisResult.decode(Data(newer.utf8))) { error in
      XCTAssertTrue("\(error)".contains("headlab.result/2"), "\(error)")
    }
  }

  func testNonFiniteCellsCannotBeWritten() {
    var r = grid23()
    r.values[0, 0] = .number(.nan)
    XCTAssertThrowsError(try r.jsonData())
  }

  /// Shards of a dataset run merge into exactly (bit for bit) the single run's statistics.
  func testShardsMergeExactly() throws {
    var rng = SystemRandomNumberGenerator()
    let prompts = (0..<37).map { _ in (0..<4).map { _ in Double(Float.random(in: -8...8, using: &rng)) } }
    func result(_ rows: ArraySlice<[Double]>, shard: Int?) -> AnalysisResult {
      var stats = DatasetStatistics(shape: [2, 2])
      for row in rows { stats.add(row) }
      var r = AnalysisResult(kind: "ablate.each_head", axes: [.layers(2), .heads(2)], values: ResultGrid(missing: [2, 2]),
                             params: ["dataset": "ioi", "shard": shard.map { .integer($0) } ?? .null], model: model)
      r.attach(stats, perPrompt: ResultGrid(shape: [rows.count, 2, 2], numbers: rows.flatMap { $0 }))
      if shard == nil { r.params["shard"] = nil }
      return r
    }
    let single = result(prompts[...], shard: nil)
    let merged = try AnalysisResult.merging([result(prompts[0..<5], shard: 0), result(prompts[5..<30], shard: 1), result(prompts[30...], shard: 2)])
    XCTAssertEqual(merged.sums, single.sums)
    XCTAssertEqual(merged.values, single.values)
    XCTAssertEqual(merged.stderr, single.stderr)
    XCTAssertEqual(merged.perPrompt, single.perPrompt)
    XCTAssertEqual(merged.count, 37)
    try merged.validate()
    // The mean is the plain mean within the quantisation step.
    let mean0 = prompts.map { $0[0] }.reduce(0, +) / 37
    XCTAssertEqual(try XCTUnwrap(merged.values.cells[0].number), mean0, accuracy: 1e-7)
  }
}
