import Foundation
import HeadLabTestSupport
import Tokenizers
import TransformerEngine
import XCTest

/// Runs the built `headlab` binary: outputs parse, and bad input gives one error line naming the
/// culprit with exit code 2.
final class CLITests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-cli-\(UUID().uuidString)")
    let tokenizer = try BPETrainer.train(texts: ["hello world, the cat sat on the mat; hello again"], vocabularySize: 270)
    try tokenizer.write(to: directory)
    let model = try tinyRandomModel(vocabularySize: tokenizer.vocabularySize)
    try CheckpointWriter.save(model, to: directory, endOfTextID: tokenizer.endOfTextID)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

  func headlab(_ arguments: [String]) throws -> HeadLabBinary.Output { try HeadLabBinary.run(arguments) }

  /// Exit code 1 and exactly one stderr line, which contains `culprit`.
  func assertOneLineError(_ arguments: [String], naming culprit: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let result = try headlab(arguments)
    XCTAssertEqual(result.status, 2, "exit status; stderr: \(result.stderr)", file: file, line: line)
    let lines = result.stderr.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, "stderr: \(result.stderr)", file: file, line: line)
    XCTAssertTrue(result.stderr.hasPrefix("headlab: error: "), result.stderr, file: file, line: line)
    XCTAssertTrue(result.stderr.contains(culprit), "'\(culprit)' not in: \(result.stderr)", file: file, line: line)
  }

  func testForwardJSON() throws {
    let result = try headlab(["forward", "--model", directory.path, "--prompt", "hello world", "--hook", "blocks.1.attn.hook_pattern", "--top-k", "3", "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let tokens = try XCTUnwrap(json["tokens"] as? [Int])
    XCTAssertEqual(tokens.first, 269, "BOS (<|endoftext|>) is prepended")
    XCTAssertEqual((json["top"] as? [Any])?.count, 3)
    XCTAssertEqual((json["logits"] as? [Any])?.count, 270)
    let hook = try XCTUnwrap((json["hooks"] as? [[String: Any]])?.first)
    XCTAssertEqual(hook["shape"] as? [Int], [1, 2, tokens.count, tokens.count])
  }

  func testTokenizeAndInfo() throws {
    let tokenized = try headlab(["tokenize", "--model", directory.path, "--no-bos", "--json", "hello world"])
    XCTAssertEqual(tokenized.status, 0, tokenized.stderr)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(tokenized.stdout.utf8)) as? [String: Any])
    XCTAssertEqual((json["tokens"] as? [String])?.joined(), "hello world")
    let info = try headlab(["info", "--model", directory.path])
    XCTAssertEqual(info.status, 0, info.stderr)
    XCTAssertTrue(info.stdout.contains("2 layers, 2 heads of 8"), info.stdout)
  }

  func testBadInputGivesOneErrorLine() throws {
    try assertOneLineError(["forward", "--model", directory.path, "--prompt", "hello", "--hook", "blocks.0.attn.hook_qq"], naming: "blocks.0.attn.hook_qq")
    try assertOneLineError(["forward", "--model", directory.path, "--prompt", "", "--no-bos"], naming: "empty prompt")
    try assertOneLineError(["forward", "--model", directory.path, "--prompt", String(repeating: "hello ", count: 20)], naming: "context is 12 positions")
    try assertOneLineError(["info", "--model", directory.appendingPathComponent("missing").path], naming: "missing")

    let weights = directory.appendingPathComponent("model.safetensors")
    let data = try Data(contentsOf: weights)
    try data.prefix(data.count / 2).write(to: weights)
    try assertOneLineError(["info", "--model", directory.path], naming: weights.path)

    try FileManager.default.removeItem(at: weights)
    try Data([0x80]).write(to: directory.appendingPathComponent("pytorch_model.bin"))
    try assertOneLineError(["info", "--model", directory.path], naming: "pytorch_model.bin")

    try FileManager.default.removeItem(at: directory.appendingPathComponent("config.json"))
    try assertOneLineError(["info", "--model", directory.path], naming: "config.json")
  }

  /// A weights file made of an 8-byte header length and a JSON header (and `data` after it).
  func writeWeights(header: String, claimedLength: UInt64? = nil, data: [UInt8] = []) throws {
    var bytes = Data()
    withUnsafeBytes(of: (claimedLength ?? UInt64(header.utf8.count)).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: Array(header.utf8) + data)
    try bytes.write(to: directory.appendingPathComponent("model.safetensors"))
  }

  func testHostileSafetensorsHeaders() throws {
    let weights = directory.appendingPathComponent("model.safetensors").path
    try writeWeights(header: "{}", claimedLength: 200_000_000)
    try assertOneLineError(["info", "--model", directory.path], naming: "\(weights): bad safetensors header: header claims 200000000 bytes, over the 100 MB limit")
    try writeWeights(header: #"{"transformer.wte.weight": {"dtype": "Q4_K", "shape": [1], "data_offsets": [0, 4]}}"#, data: [0, 0, 0, 0])
    try assertOneLineError(["info", "--model", directory.path], naming: "tensor 'transformer.wte.weight' has dtype Q4_K")
    try writeWeights(header: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#, data: Array(repeating: 0, count: 12))
    try assertOneLineError(["info", "--model", directory.path], naming: "overlap")
    try writeWeights(header: #"{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}"#, data: [0, 0])
    try assertOneLineError(["info", "--model", directory.path], naming: "tensor 'a': data_offsets [0, 16] run past the data section of 2 bytes")
  }

  func testConfigNotMatchingTheWeights() throws {
    let file = directory.appendingPathComponent("config.json")
    var config = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
    config["n_embd"] = 65_536
    config["n_layer"] = 1_000
    try JSONSerialization.data(withJSONObject: config).write(to: file)
    try assertOneLineError(["info", "--model", directory.path], naming: "but the config needs")
  }

  func testNegativeArgumentsAreUsageErrorsNotCrashes() throws {
    for arguments in [["--tokens=-1"], ["bench", "forward", "--tokens=0"], ["bench", "train", "--repeats=0"], ["forward", "--prompt", "x", "--top-k=-2"]] {
      let result = try headlab(arguments)
      XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.hasPrefix("Error: "), result.stderr)
    }
  }

  /// With no arguments headlab opens the embedded default model, which completes the IOI prompt.
  func testDefaultModelCompletesTheIndirectObject() throws {
    let result = try headlab(["--tokens", "3"])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.contains("family      gpt2: 4 layers"), result.stdout)
    XCTAssertTrue(result.stdout.contains("completion  \" Mary"), result.stdout)
  }

  func testTrainRefusesABadRecipe() throws {
    let recipe = directory.appendingPathComponent("recipe.json")
    try #"{"model": {"heads": 3, "modelDim": 16}}"#.write(to: recipe, atomically: true, encoding: .utf8)
    try assertOneLineError(["train", "--config", recipe.path, "--out", directory.appendingPathComponent("out").path], naming: "model.heads (3) must divide model.modelDim (16)")
    try #"{"trainng": {}}"#.write(to: recipe, atomically: true, encoding: .utf8)
    try assertOneLineError(["train", "--config", recipe.path, "--out", directory.appendingPathComponent("out").path], naming: "unknown key 'trainng'")
  }
}
