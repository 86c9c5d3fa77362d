import Foundation
import ModelTraining
import XCTest

final class RecipeTests: XCTestCase {
  func parse(_ text: String) throws -> Recipe {
    let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    return try Recipe.parse(json, file: "recipe.json")
  }

  func message(_ text: String) -> String {
    do { _ = try parse(text); return "parsed" } catch { return "\(error)" }
  }

  func testDefaultsAndOverrides() throws {
    let recipe = try parse(#"{"format": 1, "model": {"layers": 2}, "training": {"steps": 10, "adamW": {"beta2": 0.95}}}"#)
    XCTAssertEqual(recipe.model.layers, 2)
    XCTAssertEqual(recipe.model.heads, 4)
    XCTAssertEqual(recipe.training.steps, 10)
    XCTAssertEqual(recipe.training.adamW.beta2, 0.95)
    XCTAssertEqual(recipe.training.adamW.beta1, 0.9)
    XCTAssertEqual(recipe.training.batchSize, 32)
  }

  func testRoundTripsThroughItsJSON() throws {
    var original = Recipe()
    original.model.mlpDim = 300
    original.training.seed = 42
    let reparsed = try Recipe.parse(original.json(), file: "x")
    XCTAssertEqual(reparsed, original)
  }

  func testUnknownKeysAreNamed() {
    XCTAssertEqual(message(#"{"modle": {}}"#), "recipe.json: unknown key 'modle' (allowed here: corpus, format, model, tokenizer, training)")
    XCTAssertTrue(message(#"{"training": {"stpes": 3}}"#).hasPrefix("recipe.json: unknown key 'training.stpes'"), message(#"{"training": {"stpes": 3}}"#))
    XCTAssertTrue(message(#"{"training": {"adamW": {"beta3": 1}}}"#).hasPrefix("recipe.json: unknown key 'training.adamW.beta3'"))
  }

  func testImpossibleSizes() {
    XCTAssertEqual(message(#"{"model": {"heads": 3, "modelDim": 128}}"#), "invalid recipe: model.heads (3) must divide model.modelDim (128)")
    XCTAssertEqual(message(#"{"model": {"contextLength": 32}, "training": {"sequenceLength": 64}}"#),
                   "invalid recipe: training.sequenceLength (64) is larger than the model's context (32 positions)")
    XCTAssertEqual(message(#"{"model": {"layers": 0}}"#), "invalid recipe: model.layers must be positive, got 0")
    XCTAssertEqual(message(#"{"model": {"layers": "four"}}"#), "recipe.json: 'model.layers' must be an integer")
    XCTAssertEqual(message(#"{"format": 9}"#), "recipe.json: recipe format 9 is newer than this headlab understands (1)")
  }
}

final class TrainingCorpusTests: XCTestCase {
  func testCorpusCharactersOutsideAGivenVocabularyAreNamed() throws {
    // A tokenizer that knows only the bytes of "abc " cannot encode the generated corpus.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-corpus-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let vocabulary = ["a": 0, "b": 1, "c": 2, "Ġ": 3, "<|endoftext|>": 4]
    try JSONSerialization.data(withJSONObject: vocabulary).write(to: directory.appendingPathComponent("vocab.json"))
    try "#version: 0.2\n".write(to: directory.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
    let recipe = try Recipe.parse(["tokenizer": ["directory": directory.path], "corpus": ["documents": 5]], file: "r.json")
    XCTAssertThrowsError(try TrainingCorpus.prepare(recipe, log: { _ in })) { error in
      let message = "\(error)"
      XCTAssertTrue(message.hasPrefix("invalid recipe: corpus document 0 ("), message)
      XCTAssertTrue(message.contains("cannot encode character"), message)
    }
  }

  func testSmallRecipePreparesPackedRows() throws {
    let recipe = try Recipe.parse(["tokenizer": ["trainingDocuments": 300], "corpus": ["documents": 400]], file: "r.json")
    let corpus = try TrainingCorpus.prepare(recipe, log: { _ in })
    XCTAssertEqual(corpus.documentCount, 400)
    XCTAssertGreaterThan(corpus.training.rowCount, 50)
    XCTAssertEqual(corpus.training.rowLength, 65)
    XCTAssertEqual(corpus.tokenizer.encode(" Monday").count, 1)
  }
}
