import CircuitAnalysis
import Foundation

/// Results written by the Swift code, valid and deliberately broken, committed under
/// `Resources/result-schema/` so that `scripts/check_result_schema.py` can check them with
/// Python's `jsonschema` and the Swift validator's verdicts can be compared with its verdicts.
/// Names start with "valid-" or "invalid-".
enum ResultSchemaSamples {
  static let model = ModelIdentity(name: "default", sha256: "8f14e45fceea167a5a36dedd4bea2543" + "0a6b9b1c7e5f4d3c2b1a09f8e7d6c5b4")

  /// An [L, T, NH] sweep cancelled part way: the cells it did not reach are null.
  static func grid() -> AnalysisResult {
    var values = ResultGrid(shape: [2, 3, 2], numbers: [0.5, 1.25, -2, 3, 0, 7.5, 1e-7, -0.001, 2, 4, 8, 16])
    values[0, 0, 1] = .missing
    values[1, 2, 0] = .missing
    values[1, 2, 1] = .missing
    return AnalysisResult(
      kind: "patch.attn_head_out_by_pos",
      metric: MetricSummary(name: "logit_diff", answer: " Mary", wrong: " John", clean: 3.21, corrupted: -0.47, normalised: true),
      axes: [.layers(2), .positions(["<|endoftext|>", " Mary", " to"]), .heads(2)], values: values,
      params: ["clean_ids": .integers([0, 12, 7]), "direction": "noising", "seed": nil], model: model, elapsedMs: 12, complete: false)
  }

  static func scalar() -> AnalysisResult {
    AnalysisResult(kind: "metric", metric: MetricSummary(name: "loss"), axes: [], values: .scalar(2.5), params: [:], model: model)
  }

  static func tokens() -> AnalysisResult {
    AnalysisResult(kind: "lens.topk", axes: [.layers(2), .indexed("rank", count: 2)],
                   values: ResultGrid(shape: [2, 2], cells: [.token(" Mary"), .token(" the"), .token(" John"), .missing]),
                   params: ["prompt_ids": .integers([0, 5])], model: model, complete: false)
  }

  static func datasetLevel() -> AnalysisResult {
    var statistics = DatasetStatistics(shape: [2])
    let rows: [[Double]] = [[1.5, -0.25], [2.0, 0.75], [0.125, 0.5]]
    for row in rows { statistics.add(row) }
    var result = AnalysisResult(
      kind: "ablate.each_head", metric: MetricSummary(name: "logit_diff", normalised: true),
      axes: [.heads(2)], values: ResultGrid(missing: [2]),
      params: ["dataset": ["dataset": "ioi", "seed": 1, "count": 3], "mode": "mean"], model: model, elapsedMs: 40)
    result.attach(statistics, perPrompt: ResultGrid(shape: [3, 2], numbers: rows.flatMap { $0 }))
    return result
  }

  /// A weight analysis's token table (`weights.ov`): token, id and score cells side by side.
  static func weightTable() -> AnalysisResult {
    let cells: [ResultCell] = [.token(" the"), .number(262), .number(1.5), .token(" a"), .number(257), .number(0.75)]
    return AnalysisResult(
      kind: "weights.ov", axes: [ResultAxis(name: "token", labels: [" the"]), .indexed("rank", count: 2), ResultAxis(name: "field", labels: ["token", "id", "score"])],
      values: ResultGrid(shape: [1, 2, 3], cells: cells),
      params: ["head": "1.0", "k": 2, "tokens": .integers([262]), "processed": false, "embedding": "maps", "singular_values": [2.5, 0.5],
               "eigenvalues": [[1.25, 0], [-0.25, 0.5]]], model: model, elapsedMs: 3)
  }

  /// A composition grid (`weights.composition.k`, [sender_layer, sender_head, receiver_layer,
  /// receiver_head]) whose non-causal cells are null and listed in `not_computed`.
  static func compositionGrid() -> AnalysisResult {
    var values = ResultGrid(missing: [2, 1, 2, 1])
    values[0, 0, 1, 0] = .number(0.375)
    let axes: [ResultAxis] = [.indexed("sender_layer", count: 2), .indexed("sender_head", count: 1), .indexed("receiver_layer", count: 2), .indexed("receiver_head", count: 1)]
    return AnalysisResult(
      kind: "weights.composition.k", axes: axes, values: values,
      params: ["mode": "k", "processed": true, "not_computed": .strings(["0.0->0.0", "1.0->0.0", "1.0->1.0"]),
               "random_baseline": ["samples": 1000, "seed": 0, "mean": 0.125, "percentiles": ["95": 0.25, "99": 0.3125]]],
      model: model, elapsedMs: 9)
  }

  /// A MAPS relation below the paper's 30-pair minimum, scored and flagged (issue 16).
  static func weightsMaps() -> AnalysisResult {
    var result = AnalysisResult(
      kind: "weights.maps", axes: [ResultAxis(name: "variant", labels: ["relation", "suppression"]), .layers(2), .heads(2)],
      values: ResultGrid(shape: [2, 2, 2], numbers: [0, 0.25, 1, 0.5, 0.125, 0, 0, 0.75]),
      params: [
        "relation": "days", "origin": "built-in", "pairs": .integerRows([[3321, 3431], [3431, 3583]]), "n": 2, "top_k": 10,
        "dropped": 1, "dropped_reasons": .strings(["days: \" Sept -> Oct\" dropped: its source \" Sept\" splits into 2 tokens"]),
        "below_minimum": true, "warning": "relation 'days' has only 2 valid pairs, fewer than the minimum 30 (MAPS)",
      ], model: model, elapsedMs: 3)
    result.count = 2
    return result
  }

  /// A sparse attention decomposition of one firing (issue 16).
  static func weightsDecompose() -> AnalysisResult {
    AnalysisResult(
      kind: "weights.decompose",
      axes: [ResultAxis(name: "firing", labels: ["5: Mary -> 2: Mary"]), ResultAxis(name: "side", labels: ["query", "key"]),
             ResultAxis(name: "component", labels: ["0.0", "embed", "qk_bias"])],
      values: ResultGrid(shape: [1, 2, 3], numbers: [1.5, -0.25, 0.5, 0.75, 0.5, 0.5]),
      params: ["head": "1.0", "prompt_ids": .integers([50256, 12, 7, 9, 3, 12]), "firings": .integerRows([[5, 2]]), "selected_directions": .integerRows([[0, 3]])],
      model: model, elapsedMs: 1)
  }

  static func valid() throws -> [(name: String, json: Data)] {
    [
      ("valid-scalar.json", try scalar().jsonData()),
      ("valid-grid-with-nulls.json", try grid().jsonData()),
      ("valid-token-cells.json", try tokens().jsonData()),
      ("valid-dataset-level.json", try datasetLevel().jsonData()),
      ("valid-list.json", try AnalysisResult.jsonData([scalar(), grid()])),
      ("valid-weights-token-table.json", try weightTable().jsonData()),
      ("valid-weights-composition.json", try compositionGrid().jsonData()),
      ("valid-weights-maps.json", try weightsMaps().jsonData()),
      ("valid-weights-decompose.json", try weightsDecompose().jsonData()),
    ]
  }

  /// Broken copies of valid results, each with the JSON Pointer of the culprit.
  static func invalid() throws -> [(name: String, json: Data, path: String)] {
    let scalarText = String(decoding: try scalar().jsonData(), as: UTF8.self)
    let gridText = String(decoding: try grid().jsonData(), as: UTF8.self)
    let datasetText = String(decoding: try datasetLevel().jsonData(), as: UTF8.self)
    func edit(_ text: String, _ old: String, _ new: String) -> Data {
      precondition(text.contains(old), "sample edit: \(old) not in \(text)")
      return Data(text.replacingOccurrences(of: old, with: new).utf8)
    }
    return [
      ("invalid-missing-kind.json", edit(scalarText, #""kind":"metric","#, ""), ""),
      ("invalid-format.json", edit(scalarText, "headlab.result/1", "headlab.result/2"), "/format"),
      ("invalid-bool-cell.json", edit(gridText, "[[[0.5,null],[-2,3]", "[[[0.5,true],[-2,3]"), "/values/0/0/1"),
      ("invalid-unknown-key.json", edit(scalarText, #""kind":"metric","#, #""colour":"red","kind":"metric","#), "/colour"),
      ("invalid-bad-sha.json", edit(scalarText, model.sha256, "not-a-checksum"), "/model/sha256"),
      ("invalid-null-metric.json", edit(gridText, #""metric":{"#, #""metric":null,"old_metric":{"#), "/metric"),
      ("invalid-sums-key.json", edit(datasetText, "sum_squares", "sumSquares"), "/sums"),
      ("invalid-empty-list.json", Data("[]".utf8), ""),
    ]
  }
}
