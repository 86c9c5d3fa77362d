import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// A GPT-2 with `tie_word_embeddings: false` as transformers' `save_pretrained` writes it
/// (models/tiny-untied: a separate `lm_head.weight` [V,C]) against `GPT2LMHeadModel`'s logits,
/// within 1e-4 max abs. References from `scripts/make_untied_fixture.py`.
final class UntiedEmbeddingsParityTests: XCTestCase {
  static let tolerance: Float = 1e-4
  let resources = Fixtures.resources(in: .module)

  struct Reference: Decodable {
    struct Case: Decodable { let name: String; let tokens: [[Int]] }
    let cases: [Case]
  }

  func testUntiedCheckpointFromTransformersMatchesItsLogits() throws {
    let (model, report) = try ModelLoader.load(ModelDirectory(url: resources.appendingPathComponent("models/tiny-untied")))
    XCTAssertFalse(model.config.tiedEmbeddings)
    XCTAssertEqual(report.droppedTensors, [], "lm_head.weight must be loaded, not dropped")
    XCTAssertGreaterThan(model.parameters.tensor(.unembedding).maxAbsDifference(model.parameters.tensor(.tokenEmbedding)), 1)

    let json = try Data(contentsOf: resources.appendingPathComponent("references/tiny-untied.json"))
    let reference = try JSONDecoder().decode(Reference.self, from: json)
    let logits = try SafetensorsFile(url: resources.appendingPathComponent("references/tiny-untied.safetensors"))
    XCTAssertEqual(reference.cases.count, 2)
    for testCase in reference.cases {
      let expected = try logits.tensor("\(testCase.name)/logits")  // [B,T,V]
      assertClose(try model.forward(testCase.tokens, logits: .all), expected, tolerance: Self.tolerance, "\(testCase.name) logits")
      // The last-position path gathers rows before unembedding; it must use lm_head.weight too.
      let (B, T, V) = (expected.shape[0], expected.shape[1], expected.shape[2])
      var lastRows: [Float] = []
      for b in 0..<B { lastRows += (0..<V).map { v in expected[b, T - 1, v] } }
      assertClose(try model.forward(testCase.tokens, logits: .last), Tensor(shape: [B, 1, V], values: lastRows),
                  tolerance: Self.tolerance, "\(testCase.name) last-position logits")
    }
  }
}
