import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Logits and every hook activation against Hugging Face `transformers` and TransformerLens.
/// References come from `scripts/make_engine_fixtures.py`; tolerance 1e-4 max abs.
final class ReferenceParityTests: XCTestCase {
  static let tolerance: Float = 1e-4
  let resources = Fixtures.resources(in: .module)

  struct ReferenceFile: Decodable {
    struct Case: Decodable { let name: String; let tokens: [[Int]] }
    let cases: [Case]
    let hook_names: [String]
  }

  func reference(_ name: String) throws -> (ReferenceFile, SafetensorsFile) {
    let json = try Data(contentsOf: resources.appendingPathComponent("references/\(name).json"))
    let file = try SafetensorsFile(url: resources.appendingPathComponent("references/\(name).safetensors"))
    return (try JSONDecoder().decode(ReferenceFile.self, from: json), file)
  }

  func loadModel(_ name: String) throws -> TransformerModel {
    try ModelLoader.load(ModelDirectory(url: resources.appendingPathComponent("models/\(name)"))).0
  }

  /// Runs every case of `referenceName` through `modelName`, comparing logits and all hooks.
  func checkParity(model modelName: String, reference referenceName: String) throws {
    let model = try loadModel(modelName)
    let (ref, values) = try reference(referenceName)
    XCTAssertGreaterThanOrEqual(ref.cases.count, 4)
    var compared = 0
    for testCase in ref.cases {
      let sites = try Set(ref.hook_names.map { try HookSite(parsing: $0, layers: model.config.layers) })
      let (logits, cache) = try model.runWithCache(testCase.tokens, sites: sites, logits: .all)
      assertClose(logits, try values.tensor("\(testCase.name)/logits"), tolerance: Self.tolerance, "\(modelName) \(testCase.name) logits")
      for name in ref.hook_names {
        guard let actual = cache[name] else { XCTFail("\(name) not cached"); continue }
        assertClose(actual, try values.tensor("\(testCase.name)/\(name)"), tolerance: Self.tolerance, "\(modelName) \(testCase.name) \(name)")
        compared += 1
      }
    }
    XCTAssertEqual(compared, ref.cases.count * ref.hook_names.count)
  }

  func testF32MatchesTransformersAndTransformerLens() throws { try checkParity(model: "tiny-f32", reference: "tiny-f32") }
  func testF16CheckpointMatchesReferenceFromRoundedWeights() throws { try checkParity(model: "tiny-f16", reference: "tiny-f16") }
  func testBF16CheckpointMatchesReferenceFromRoundedWeights() throws { try checkParity(model: "tiny-bf16", reference: "tiny-bf16") }
  func testShardedCheckpointMatchesSingleFile() throws { try checkParity(model: "tiny-sharded", reference: "tiny-f32") }
  func testNonDefaultShapesMatch() throws { try checkParity(model: "tiny-wide", reference: "tiny-wide") }

  func testHookNamesCoverEverySiteTransformerLensDefines() throws {
    let (ref, _) = try reference("tiny-f32")
    let model = try loadModel("tiny-f32")
    // This reference's TransformerLens ran with use_attn_result only; the input sites that need
    // use_attn_in / use_split_qkv_input / use_hook_mlp_in are checked by EngineAnalysisHookTests.
    let ours = Set(HookSite.allSites(layers: model.config.layers)
      .filter { !$0.point.isAttentionInput && $0.point != .mlpIn }.map(\.name))
    XCTAssertEqual(Set(ref.hook_names), ours, "TransformerLens hook names differ from HeadLab's")
  }

  func testLogitsAtSelectedPositionsEqualTheFullComputation() throws {
    let model = try loadModel("tiny-f32")
    let (ref, _) = try reference("tiny-f32")
    let tokens = ref.cases.first { $0.tokens.count > 1 }!.tokens
    let T = tokens[0].count
    let all = try model.forward(tokens, logits: .all)
    let last = try model.forward(tokens, logits: .last)
    let picked = try model.forward(tokens, logits: .positions([0, T - 1]))
    let V = model.config.vocabularySize
    for b in 0..<tokens.count {
      for v in 0..<V {
        XCTAssertEqual(last[b, 0, v], all[b, T - 1, v], accuracy: 1e-5)
        XCTAssertEqual(picked[b, 0, v], all[b, 0, v], accuracy: 1e-5)
        XCTAssertEqual(picked[b, 1, v], all[b, T - 1, v], accuracy: 1e-5)
      }
    }
  }
}
