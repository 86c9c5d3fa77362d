import Foundation
import XCTest

/// `headlab train` refuses, before training, a recipe whose model is too short for the behaviour
/// evaluation that ends every run (it used to train to the end and fail there).
final class TrainCommandTests: XCTestCase {
  func testContextTooShortForTheEvaluationIsRefusedBeforeTraining() throws {
    let directory = try HeadLabBinary.temporaryDirectory("headlab-train")
    defer { try? FileManager.default.removeItem(at: directory) }
    let recipe = directory.appendingPathComponent("short-context.json")
    try HeadLabBinary.writeTinyRecipe(to: recipe, contextLength: 16)
    let out = directory.appendingPathComponent("out")
    let result = try HeadLabBinary.run(["train", "--config", recipe.path, "--out", out.path])
    XCTAssertEqual(result.status, 2, result.stderr)
    let last = try XCTUnwrap(result.stderr.split(separator: "\n").last)
    XCTAssert(last.hasPrefix("headlab: error: \(recipe.path): model.contextLength is 16, but the behaviour evaluation needs "), String(last))
    XCTAssertFalse(result.stderr.contains("step "), "no training step ran")
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("checkpoint").path))
  }
}
