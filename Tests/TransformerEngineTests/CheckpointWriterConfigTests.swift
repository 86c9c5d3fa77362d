import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// The token ids `CheckpointWriter` puts into config.json.
final class CheckpointWriterConfigTests: XCTestCase {
  let config = ModelConfig(layers: 1, heads: 2, modelDim: 8, contextLength: 4, vocabularySize: 23)

  func testEndOfTextIsWrittenAsBosAndEos() throws {
    let json = try CheckpointWriter.huggingFaceConfig(config, endOfTextID: 22)
    XCTAssertEqual(json["bos_token_id"] as? Int, 22)
    XCTAssertEqual(json["eos_token_id"] as? Int, 22)
    XCTAssertNil(json["pad_token_id"])
  }

  /// Without an `<|endoftext|>` the keys are still written, as null: left out, transformers would
  /// assume GPT-2's 50256.
  func testNoEndOfTextIsWrittenAsNull() throws {
    let json = try CheckpointWriter.huggingFaceConfig(config, endOfTextID: nil)
    XCTAssertTrue(json["bos_token_id"] is NSNull)
    XCTAssertTrue(json["eos_token_id"] is NSNull)
  }

  func testAnIDOutsideTheVocabularyIsRefused() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-writer-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    for id in [23, -1, 50256] {
      XCTAssertThrowsError(try CheckpointWriter.save(TransformerModel(config: config), to: directory, endOfTextID: id)) { error in
        XCTAssertEqual("\(error)", "\(directory.appendingPathComponent("config.json").path): <|endoftext|> id \(id) (bos_token_id, eos_token_id) is outside the vocabulary of 23 tokens")
      }
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path), "nothing is written for a refused config")
  }
}
