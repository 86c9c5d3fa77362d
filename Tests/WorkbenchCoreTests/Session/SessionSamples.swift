import CircuitAnalysis
import Foundation
import WorkbenchCore

/// Sessions for the session-file tests: four commands, results whose numbers need all 17
/// significant digits (and a subnormal, the largest Double, a Float widened to Double, a null
/// cell and token cells), an ablation, and a view state.
enum SessionSamples {
  static let model = ModelIdentity(name: "default", sha256: String(repeating: "ab", count: 32))

  /// Numbers whose shortest round-trip forms are long or unusual.
  static let awkwardNumbers: [Double] = [
    0.1 + 0.2, 1.0 / 3.0, Double(Float(0.7)), -2.5e-8, .leastNonzeroMagnitude, 2.2250738585072014e-308, 1.7976931348623157e308,
    123_456_789.123_456_79, Double.pi, -0.0, 1e21, 9_007_199_254_740_994,
  ]

  static func patchResult() -> AnalysisResult {
    var result = AnalysisResult(
      kind: "patch.attn_head_out_all_pos",
      metric: MetricSummary(name: "logit_diff", answer: " Mary", wrong: " John", clean: 3.141_592_653_589_793, corrupted: -1.0 / 7.0, normalised: true),
      axes: [.layers(3), .heads(4)],
      values: ResultGrid(shape: [3, 4], numbers: awkwardNumbers),
      params: ["clean_tokens": .integers([464, 1110, 290]), "seed": 7, "note": "layer × head"], model: model, elapsedMs: 1234)
    result.values[2, 3] = .missing
    result.complete = false
    return result
  }

  static func lensResult() -> AnalysisResult {
    AnalysisResult(
      kind: "lens.logit", axes: [.layers(2), .indexed("rank", count: 2)],
      values: ResultGrid(shape: [2, 2], cells: [.token(" Mary"), .token("\"quoted\"\n"), .token("é"), .token(" John")]),
      params: [:], model: model)
  }

  static func datasetResult() throws -> AnalysisResult {
    var statistics = DatasetStatistics(shape: [2])
    statistics.add([0.123_456_789_012_345_67, -4.0])
    statistics.add([2.0 / 3.0, 1e-7])
    statistics.add([0.5, 0.25])
    var result = AnalysisResult(kind: "ablate.each_head", axes: [.indexed("head", count: 2)], values: ResultGrid(missing: [2]), params: ["dataset": "ioi"], model: model)
    result.attach(statistics)
    try result.validate()
    return result
  }

  static func session(modelDirectory: String = "/models/default") throws -> Session {
    let start: Int64 = 1_764_549_951_123  // 2025-12-01T00:45:51.123Z
    return Session(
      model: SessionModelReference(reference: "default", directory: modelDirectory, sha256: model.sha256),
      tokenizer: ["prepend_bos": false],
      inputs: SessionInputs(
        prompt: "When Mary and John went to the store, John gave a drink to", clean: "When Mary and John went to the store, John gave a drink to",
        corrupted: "When Alice and Bob went to the store, Carl gave a drink to", answer: " Mary", wrong: " John", metric: "logit_diff",
        dataset: SessionDataset(name: "ioi", seed: 18_446_744_073_709_551_615, count: 100)),
      interventions: SessionInterventions(ablations: [
        SessionAblation(layer: 3, head: 0, mode: "zero"), SessionAblation(layer: 2, head: 1, mode: "resample", reference: "ioi seed 3", seed: 3),
      ]),
      history: [
        SessionCommandRecord(command: "prompt \"When Mary and John\"", name: "prompt", arguments: ["text": "When Mary and John"], time: SessionTime(millisecondsSince1970: start)),
        SessionCommandRecord(
          command: "patch heads metric=logit_diff", name: "patch", arguments: ["target": "heads", "metric": "logit_diff"], results: [patchResult()],
          time: SessionTime(millisecondsSince1970: start + 2_500)),
        SessionCommandRecord(command: "lens top=2", name: "lens", arguments: ["top": 2], results: [lensResult(), lensResult()], time: SessionTime(millisecondsSince1970: start + 4_000)),
        SessionCommandRecord(
          command: "ablate each dataset=ioi n=3", name: "ablate", arguments: ["each": true, "dataset": "ioi", "n": 3], results: [try datasetResult()],
          time: SessionTime(millisecondsSince1970: start + 60_001)),
        SessionCommandRecord(command: "dla 9.9", name: "dla", arguments: ["head": "9.9"], time: SessionTime(millisecondsSince1970: start + 61_000), failure: "layer 9 does not exist: the model has 4 layers"),
      ],
      view: ["selected": ["layer": 2, "head": 1, "token": 5], "panel": "patching", "theme": "paper"])
  }

  /// A second, different session (for saving over the first).
  static func otherSession() throws -> Session {
    var session = try session()
    session.inputs.prompt = "Then, Alice and Bob had a long argument"
    session.history.removeLast(2)
    session.view["panel"] = "lens"
    return session
  }

  /// The JSON object of a session's bytes, for tests that edit a file.
  static func object(_ data: Data) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  static func data(_ object: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
  }

  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-session-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
