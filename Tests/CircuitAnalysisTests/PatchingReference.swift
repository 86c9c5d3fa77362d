import Foundation
import HeadLabTestSupport
import TransformerEngine

/// The TransformerLens 3.9 references for activation patching, zero ablation and attribution
/// patching on models/tiny-f32, written by `scripts/make_patching_fixtures.py` into
/// `Resources/references/patching-tiny-f32.{json,safetensors}`.
///
/// Keys (the JSON's "tensors" object documents each one: shape, axes, hook, meaning):
/// - `<case>/<direction>/patch/<sweep>`: the metric after each patch (absolute, like TL's
///   `transformer_lens.patching`), for every sweep in `patchSweeps`;
/// - `<case>/<direction>/atp/<sweep>`: the attribution-patching estimate (Nanda 2023) of the
///   CHANGE of the metric, same shape as the patch sweep, for every sweep in `atpSweeps`;
/// - `<case>/ablate_zero_each_head` [L, NH]: the metric with one head's hook_z zeroed.
/// Cases: "ioi" (B=1, T=10) and "repeat" (B=2, T=12); directions: "denoising" (run corrupted,
/// patch from clean: TL's default) and "noising" (run clean, patch from corrupted).
/// Metric: mean over rows of logits[b, T-1, answer[b]] - logits[b, T-1, wrong[b]].
struct PatchingReference {
  static let stem = "references/patching-tiny-f32"
  static let modelPath = "models/tiny-f32"
  static let caseNames = ["ioi", "repeat"]
  static let directions = ["denoising", "noising"]
  /// The single sweeps of transformer_lens.patching plus `resid_post` (TL has none).
  static let singleSweeps = [
    "resid_pre", "resid_mid", "resid_post", "attn_out", "mlp_out",
    "attn_head_out_all_pos", "attn_head_q_all_pos", "attn_head_k_all_pos", "attn_head_v_all_pos",
    "attn_head_pattern_all_pos",
    "attn_head_out_by_pos", "attn_head_q_by_pos", "attn_head_k_by_pos", "attn_head_v_by_pos",
    "attn_head_pattern_by_pos", "attn_head_pattern_dest_src_pos",
  ]
  /// TL's stacked sweeps and the single sweeps they stack along axis 0, in TL's order
  /// (transformer_lens/patching.py; every_head_by_pos's pattern part is rearranged to [L, T, NH]).
  static let stackedSweeps: [(name: String, components: [String])] = [
    ("every_block", ["resid_pre", "attn_out", "mlp_out"]),
    ("every_head_all_pos", ["attn_head_out_all_pos", "attn_head_q_all_pos", "attn_head_k_all_pos", "attn_head_v_all_pos", "attn_head_pattern_all_pos"]),
    ("every_head_by_pos", ["attn_head_out_by_pos", "attn_head_q_by_pos", "attn_head_k_by_pos", "attn_head_v_by_pos", "attn_head_pattern_by_pos"]),
  ]
  static var patchSweeps: [String] { singleSweeps + stackedSweeps.map(\.name) }
  static var atpSweeps: [String] { singleSweeps }

  /// One prompt batch: token ids [B][T] with BOS (id 0) at position 0, answer/wrong per row.
  struct Case: Decodable {
    let batch: Int
    let positions: Int
    let clean_tokens: [[Int]]
    let corrupted_tokens: [[Int]]
    let answer: [Int]
    let wrong: [Int]
    let metric_clean: Float
    let metric_corrupted: Float
    let differing_positions: [Int]

    /// The recorded metric on `logits` [B, P, V] read at the last of the P positions.
    func logitDifference(_ logits: Tensor) -> Float {
      let (B, P) = (logits.shape[0], logits.shape[1])
      precondition(B == answer.count, "logits have \(B) rows, the case \(answer.count)")
      var sum: Double = 0
      for b in 0..<B { sum += Double(logits[b, P - 1, answer[b]] - logits[b, P - 1, wrong[b]]) }
      return Float(sum / Double(B))
    }
  }

  /// A tensor key's documentation in the JSON.
  struct TensorDoc: Decodable {
    let shape: [Int]
    let axes: [String]
    let meaning: String
    let source: String
    let hook: String?
    let component_order: [String]?
    let summed_axes: [String]?
  }

  private struct Document: Decodable {
    let cases: [String: Case]
    let tensors: [String: TensorDoc]
  }

  enum LoadError: Error, CustomStringConvertible {
    case missingCase(String, file: String)
    case missingTensor(String, file: String)
    case shapeMismatch(String, documented: [Int], stored: [Int])

    var description: String {
      switch self {
      case .missingCase(let name, let file): return "\(file): no case '\(name)'"
      case .missingTensor(let key, let file): return "\(file): no tensor '\(key)'"
      case .shapeMismatch(let key, let documented, let stored):
        return "tensor '\(key)': the JSON documents shape \(documented), the safetensors stores \(stored)"
      }
    }
  }

  let resources: URL
  let cases: [String: Case]
  let documentation: [String: TensorDoc]
  let tensors: SafetensorsFile

  init(resources: URL = Fixtures.resources(in: .module)) throws {
    self.resources = resources
    let json = try Data(contentsOf: resources.appendingPathComponent("\(Self.stem).json"))
    let document = try JSONDecoder().decode(Document.self, from: json)
    cases = document.cases
    documentation = document.tensors
    tensors = try SafetensorsFile(url: resources.appendingPathComponent("\(Self.stem).safetensors"))
  }

  func `case`(_ name: String) throws -> Case {
    guard let found = cases[name] else { throw LoadError.missingCase(name, file: "\(Self.stem).json") }
    return found
  }

  /// The tensor stored under `key`, checked against the shape the JSON documents for it.
  func tensor(_ key: String) throws -> Tensor {
    guard let doc = documentation[key] else { throw LoadError.missingTensor(key, file: "\(Self.stem).json") }
    guard tensors.entries[key] != nil else { throw LoadError.missingTensor(key, file: "\(Self.stem).safetensors") }
    let value = try tensors.tensor(key)
    guard value.shape == doc.shape else { throw LoadError.shapeMismatch(key, documented: doc.shape, stored: value.shape) }
    return value
  }

  /// `<case>/<direction>/patch/<sweep>`: the metric after each patch.
  func patch(_ caseName: String, _ direction: String, _ sweep: String) throws -> Tensor {
    try tensor("\(caseName)/\(direction)/patch/\(sweep)")
  }

  /// `<case>/<direction>/atp/<sweep>`: the AtP estimate of the metric's change.
  func atp(_ caseName: String, _ direction: String, _ sweep: String) throws -> Tensor {
    try tensor("\(caseName)/\(direction)/atp/\(sweep)")
  }

  /// `<case>/ablate_zero_each_head` [L, NH]: the metric on the clean tokens with one head's z zeroed.
  func ablateZeroEachHead(_ caseName: String) throws -> Tensor {
    try tensor("\(caseName)/ablate_zero_each_head")
  }

  /// The model the references were computed on (Hugging Face weights, unprocessed).
  func loadModel() throws -> TransformerModel {
    try ModelLoader.load(ModelDirectory(url: resources.appendingPathComponent(Self.modelPath))).0
  }
}
