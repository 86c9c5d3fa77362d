import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// models/tiny-f32 with the references of `scripts/make_engine_analysis_fixtures.py`
/// (ragged batches and the opt-in hook sites, from transformers and TransformerLens 3.9).
struct EngineAnalysisFixture {
  struct Reference: Decodable {
    struct Ragged: Decodable {
      let rows: [[Int]]
      let lengths: [Int]
      let pad_token: Int
    }
    struct Case: Decodable {
      let name: String
      let hook: String
      let layer: Int
      let head: Int?
      let position: Int
      let value_key: String
      let logits_key: String
    }
    struct Sites: Decodable {
      let tokens: [[Int]]
      let site_names: [String]
      let cases: [Case]
      let hook_names_all_flags: [String]
      let hook_order_all_flags: [String]
    }
    let ragged: Ragged
    let sites: Sites
  }

  let model: TransformerModel
  let reference: Reference
  let tensors: SafetensorsFile

  init(bundle: Bundle = .module) throws {
    let resources = Fixtures.resources(in: bundle)
    model = try ModelLoader.load(ModelDirectory(url: resources.appendingPathComponent("models/tiny-f32"))).0
    let json = try Data(contentsOf: resources.appendingPathComponent("references/engine-analysis-tiny-f32.json"))
    reference = try JSONDecoder().decode(Reference.self, from: json)
    tensors = try SafetensorsFile(url: resources.appendingPathComponent("references/engine-analysis-tiny-f32.safetensors"))
  }

  func tensor(_ key: String) throws -> Tensor { try tensors.tensor(key) }
}

/// Tokens [B][T] with seeded ids below `vocabularySize` (row b starts with token 0, the BOS id of
/// the fixture models).
func seededTokens(B: Int, T: Int, vocabularySize: Int, seed: UInt64) -> [[Int]] {
  var generator = SplitMix64(seed: seed)
  return (0..<B).map { _ in [0] + (1..<T).map { _ in 1 + Int(generator.next() % UInt64(vocabularySize - 1)) } }
}

/// Rows `range` of a tensor's first axis, as a tensor.
func rows(_ tensor: Tensor, _ range: Range<Int>) -> Tensor {
  let inner = tensor.shape.dropFirst().reduce(1, *)
  return Tensor(shape: [range.count] + tensor.shape.dropFirst(), values: Array(tensor.values[(range.lowerBound * inner)..<(range.upperBound * inner)]))
}
