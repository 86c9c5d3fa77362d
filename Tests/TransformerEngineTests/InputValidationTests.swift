import HeadLabTestSupport
import TransformerEngine
import XCTest

final class InputValidationTests: XCTestCase {
  func testEmptyPrompt() throws {
    let model = try tinyRandomModel()
    XCTAssertThrowsError(try model.forward([[]])) { XCTAssertEqual($0 as? EngineError, .emptyPrompt) }
    XCTAssertThrowsError(try model.forward([])) { XCTAssertEqual($0 as? EngineError, .emptyPrompt) }
  }

  func testPromptLongerThanContext() throws {
    let model = try tinyRandomModel(contextLength: 12)
    XCTAssertThrowsError(try model.forward([Array(repeating: 1, count: 13)])) {
      XCTAssertEqual("\($0)", "prompt is 13 tokens but the model's context is 12 positions (n_positions)")
    }
    XCTAssertNoThrow(try model.forward([Array(repeating: 1, count: 12)]))
  }

  func testRaggedBatchAndBadTokenIds() throws {
    let model = try tinyRandomModel(vocabularySize: 23)
    XCTAssertThrowsError(try model.forward([[1, 2], [1]])) { XCTAssertEqual($0 as? EngineError, .raggedBatch(lengths: [2, 1])) }
    XCTAssertThrowsError(try model.forward([[1, 23]])) { XCTAssertEqual($0 as? EngineError, .tokenOutOfRange(id: 23, vocabularySize: 23)) }
    XCTAssertThrowsError(try model.forward([[1, 2]], logits: .positions([2])))
  }

  func testConfigValidation() {
    XCTAssertThrowsError(try TransformerModel(config: ModelConfig(layers: 1, heads: 3, modelDim: 16, contextLength: 4, vocabularySize: 5))) {
      XCTAssertEqual("\($0)", "invalid model configuration: heads (3) must divide modelDim (16)")
    }
  }

  func testBatchRowsAreIndependent() throws {
    let model = try tinyRandomModel()
    let a = [3, 1, 4, 1, 5], b = [9, 2, 6, 5, 3]
    let both = try model.forward([a, b], logits: .all)
    let alone = try model.forward([b], logits: .all)
    let V = model.config.vocabularySize
    assertClose(Tensor(shape: [1, 5, V], values: Array(both.values[(5 * V)...])), alone, tolerance: 1e-5, "row 1 alone vs in batch")
  }
}
