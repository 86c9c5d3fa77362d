import Foundation
import XCTest

/// `headlab train` refuses, before training, a recipe whose model is too short for the behaviour
/// evaluation that ends every run (it used to train to the end and fail there).
final class TrainCommandTests: XCTestCase {
  func testContextTooShortForTheEvaluationIsRefusedBeforeTraining() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-train-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let recipe = directory.appendingPathComponent("short-context.json")
    try #"""
      {"model": {"layers": 1, "heads": 2, "modelDim": 32, "contextLength": 16},
       "tokenizer": {"vocabularySize": 1100, "trainingDocuments": 200},
       "corpus": {"documents": 400, "seed": 3},
       "training": {"steps": 4, "batchSize": 4, "sequenceLength": 16, "evaluateEvery": 0, "checkpointEvery": 2}}
      """#.write(to: recipe, atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("out")
    let result = try HeadLabBinary.run(["train", "--config", recipe.path, "--out", out.path])
    XCTAssertEqual(result.status, 1, result.stderr)
    let last = try XCTUnwrap(result.stderr.split(separator: "\n").last)
    XCTAssert(last.hasPrefix("headlab: error: \(recipe.path): model.contextLength is 16, but the behaviour evaluation needs "), String(last))
    XCTAssertFalse(result.stderr.contains("step "), "no training step ran")
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("checkpoint").path))
  }
}
