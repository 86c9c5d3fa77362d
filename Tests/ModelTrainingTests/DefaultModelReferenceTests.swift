import Foundation
import Tokenizers
import TransformerEngine
import XCTest

/// The default model is an ordinary Hugging Face GPT-2 directory: `transformers` loads it as
/// `GPT2LMHeadModel` and its tokenizer as `GPT2Tokenizer` (scripts/check_default_model.py), and
/// HeadLab gives the same token ids and logits at the last three positions (1e-4).
final class DefaultModelReferenceTests: XCTestCase {
  struct Reference: Decodable {
    struct Case: Decodable { let text: String; let tokens: [Int]; let logits: [[Float]] }
    let cases: [Case]
  }

  func testMatchesTransformers() throws {
    let directory = try XCTUnwrap(DefaultModel.directory)
    let (model, _) = try ModelLoader.load(ModelDirectory(url: directory))
    let tokenizer = try BPETokenizer.load(directory: directory)
    let url = try XCTUnwrap(Bundle.module.url(forResource: "Resources/default-model-reference", withExtension: "json"))
    let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    XCTAssertGreaterThanOrEqual(reference.cases.count, 4)
    for c in reference.cases {
      XCTAssertEqual(tokenizer.encode(c.text, prependBOS: true), c.tokens, c.text)
      let T = c.tokens.count
      let logits = try model.forward([c.tokens], logits: .positions([T - 3, T - 2, T - 1]))
      let expected = Tensor(shape: [1, c.logits.count, c.logits[0].count], values: c.logits.flatMap { $0 })
      XCTAssertLessThanOrEqual(logits.maxAbsDifference(expected), 1e-4, c.text)
    }
  }
}
