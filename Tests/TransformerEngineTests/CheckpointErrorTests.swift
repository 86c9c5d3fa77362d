import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Malformed and hostile model directories: each gives one clear error naming the culprit.
final class CheckpointErrorTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-ckpt-\(UUID().uuidString)")
    try CheckpointWriter.save(try tinyRandomModel(), to: directory, endOfTextID: nil)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

  var weights: URL { directory.appendingPathComponent("model.safetensors") }

  func loadError() -> String {
    do {
      _ = try ModelLoader.load(ModelDirectory(url: directory))
      return "loaded without error"
    } catch {
      return "\(error)"
    }
  }

  /// Rewrites the safetensors header (keeping the data) after `edit` changes its JSON.
  func editHeader(_ edit: (inout [String: Any]) -> Void) throws {
    let data = try Data(contentsOf: weights)
    let n = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    var header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
    edit(&header)
    let json = try JSONSerialization.data(withJSONObject: header)
    var out = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(json)
    out.append(data.subdata(in: (8 + n)..<data.count))
    try out.write(to: weights)
  }

  func testRoundTripLoadsTheSameWeights() throws {
    let original = try tinyRandomModel()
    let (loaded, report) = try ModelLoader.load(ModelDirectory(url: directory))
    XCTAssertEqual(loaded.config, original.config)
    for entry in original.parameters.layout.entries {
      XCTAssertEqual(loaded.parameters.tensor(entry.name), original.parameters.tensor(entry.name), "\(entry.name)")
    }
    XCTAssertEqual(report.dtypes, ["F32": 4 + 12 * 2])
  }

  func testMissingConfig() throws {
    try FileManager.default.removeItem(at: directory.appendingPathComponent("config.json"))
    XCTAssertEqual(loadError(), "\(directory.path): no config.json")
  }

  func testMissingWeights() throws {
    try FileManager.default.removeItem(at: weights)
    XCTAssertEqual(loadError(), "\(directory.path): no model.safetensors or model.safetensors.index.json")
  }

  func testPickleIsRefusedWithConversionAdvice() throws {
    try FileManager.default.removeItem(at: weights)
    try Data([0x80, 0x02]).write(to: directory.appendingPathComponent("pytorch_model.bin"))
    let message = loadError()
    XCTAssertTrue(message.contains("pytorch_model.bin is a Python pickle"), message)
    XCTAssertTrue(message.contains("save_pretrained"), message)
  }

  func testTruncatedFile() throws {
    let data = try Data(contentsOf: weights)
    try data.prefix(data.count - 100).write(to: weights)
    let message = loadError()
    XCTAssertTrue(message.hasPrefix(weights.path), message)
    XCTAssertTrue(message.contains("run past the data section"), message)
  }

  func testFileShorterThanLengthField() throws {
    try Data([1, 2, 3]).write(to: weights)
    XCTAssertTrue(loadError().contains("shorter than the 8-byte header length"), loadError())
  }

  func testHeaderClaimingMoreBytesThanTheFileHas() throws {
    var data = try Data(contentsOf: weights)
    let huge = UInt64(data.count * 4)
    withUnsafeBytes(of: huge.littleEndian) { data.replaceSubrange(0..<8, with: $0) }
    try data.write(to: weights)
    XCTAssertTrue(loadError().contains("header claims \(huge) bytes but the file has only"), loadError())
  }

  func testHeaderOver100MB() throws {
    var data = try Data(contentsOf: weights)
    withUnsafeBytes(of: UInt64(200_000_000).littleEndian) { data.replaceSubrange(0..<8, with: $0) }
    try data.write(to: weights)
    XCTAssertTrue(loadError().contains("over the 100 MB limit"), loadError())
  }

  func testHeaderNotJSON() throws {
    var data = Data()
    withUnsafeBytes(of: UInt64(4).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: Array("{{{{".utf8))
    try data.write(to: weights)
    XCTAssertTrue(loadError().contains("bad safetensors header"), loadError())
  }

  func testOverlappingOffsets() throws {
    try editHeader { header in
      var entry = header["transformer.ln_f.bias"] as! [String: Any]
      let weight = header["transformer.ln_f.weight"] as! [String: Any]
      entry["data_offsets"] = weight["data_offsets"]
      header["transformer.ln_f.bias"] = entry
    }
    let message = loadError()
    XCTAssertTrue(message.contains("overlap"), message)
    XCTAssertTrue(message.contains("transformer.ln_f."), message)
  }

  func testOutOfBoundsOffsets() throws {
    try editHeader { header in
      var entry = header["transformer.ln_f.bias"] as! [String: Any]
      entry["data_offsets"] = [1 << 40, (1 << 40) + 64]
      header["transformer.ln_f.bias"] = entry
    }
    XCTAssertTrue(loadError().contains("tensor 'transformer.ln_f.bias': data_offsets"), loadError())
  }

  func testSizeNotMatchingShape() throws {
    try editHeader { header in
      var entry = header["transformer.ln_f.bias"] as! [String: Any]
      entry["shape"] = [17]
      header["transformer.ln_f.bias"] = entry
    }
    XCTAssertTrue(loadError().contains("tensor 'transformer.ln_f.bias': shape [17] of F32 needs 68 bytes but data_offsets give 64"), loadError())
  }

  func testUnknownDType() throws {
    try editHeader { header in
      var entry = header["transformer.ln_f.bias"] as! [String: Any]
      entry["dtype"] = "Q4_K"
      header["transformer.ln_f.bias"] = entry
    }
    XCTAssertEqual(loadError(), "\(weights.path): tensor 'transformer.ln_f.bias' has dtype Q4_K; supported: F32, F16, BF16")
  }

  func testShapeNotMatchingConfig() throws {
    var config = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("config.json"))) as! [String: Any]
    config["n_inner"] = 32
    try JSONSerialization.data(withJSONObject: config).write(to: directory.appendingPathComponent("config.json"))
    XCTAssertEqual(loadError(), "\(weights.path): tensor 'transformer.h.0.mlp.c_fc.bias' has shape [64] but the config needs [32]")
  }

  func testMissingTensor() throws {
    try editHeader { header in header["transformer.h.1.ln_2.weight"] = nil }
    XCTAssertEqual(loadError(), "tensor 'transformer.h.1.ln_2.weight' is missing from \(weights.path)")
  }

  /// Rewrites the weights file with `extra` tensors added.
  func addTensors(_ extra: [SafetensorsWriter.Item]) throws {
    let file = try SafetensorsFile(url: weights)
    let items = try file.names.map { SafetensorsWriter.Item($0, try file.tensor($0)) } + extra
    try SafetensorsWriter.write(items, to: weights)
  }

  func testUnexpectedTensorIsNamed() throws {
    try addTensors([.init("transformer.h.0.attn.rotary.inv_freq", Tensor(shape: [4], repeating: 1))])
    XCTAssertEqual(loadError(), "\(weights.path): tensor 'transformer.h.0.attn.rotary.inv_freq' is not used by this architecture")
  }

  func testTiedLMHeadIsDroppedOnlyWhenItEqualsTheEmbedding() throws {
    let wte = try SafetensorsFile(url: weights).tensor("transformer.wte.weight")
    try addTensors([.init("lm_head.weight", wte), .init("transformer.h.0.attn.masked_bias", Tensor(shape: [1], repeating: -1e4))])
    let (_, report) = try ModelLoader.load(ModelDirectory(url: directory))
    XCTAssertEqual(report.droppedTensors, ["lm_head.weight", "transformer.h.0.attn.masked_bias"])
    try CheckpointWriter.save(try tinyRandomModel(), to: directory, endOfTextID: nil)
    try addTensors([.init("lm_head.weight", Tensor(shape: wte.shape, values: wte.values.map { $0 * 2 }))])
    XCTAssertEqual(loadError(), "\(weights.path): tensor 'lm_head.weight': config says embeddings are tied but it differs from the token embedding")
  }

  func testUntiedEmbeddingsUseTheirOwnUnembedding() throws {
    let config = ModelConfig(layers: 1, heads: 2, modelDim: 16, contextLength: 8, vocabularySize: 11, tiedEmbeddings: false)
    let model = try TransformerModel(config: config)
    for (i, entry) in model.parameters.layout.entries.enumerated() {
      model.parameters.set(entry.name, Tensor(shape: entry.shape, values: seededValues(entry.count, seed: UInt64(50 + i))))
    }
    try CheckpointWriter.save(model, to: directory, endOfTextID: nil)
    let (loaded, _) = try ModelLoader.load(ModelDirectory(url: directory))
    XCTAssertFalse(loaded.config.tiedEmbeddings)
    XCTAssertEqual(loaded.parameters.tensor(.unembedding), model.parameters.tensor(.unembedding))
    // The logits are the final residual times the unembedding, not the token embedding.
    let (logits, cache) = try loaded.runWithCache([[1, 2, 3]], sites: [HookSite(.unembedIn)])
    let x = cache[HookSite(.unembedIn)]!, wU = loaded.parameters.tensor(.unembedding)
    for v in 0..<11 {
      let expected = (0..<16).reduce(Float(0)) { $0 + x[0, 2, $1] * wU[v, $1] }
      XCTAssertEqual(logits[0, 0, v], expected, accuracy: 1e-4)
    }
  }

  func testConfigErrorsNameTheKey() throws {
    let file = directory.appendingPathComponent("config.json")
    try #"{"model_type": "gpt2", "n_layer": 2}"#.write(to: file, atomically: true, encoding: .utf8)
    XCTAssertEqual(loadError(), "\(file.path): missing key 'n_head'")
    try #"{"model_type": "mamba"}"#.write(to: file, atomically: true, encoding: .utf8)
    XCTAssertEqual(loadError(), "\(file.path): model_type 'mamba' is not supported yet (supported: gpt2)")
    try #"{"model_type": "gpt2", "n_layer": 2, "n_head": 3, "n_embd": 16, "n_positions": 12, "vocab_size": 23}"#.write(to: file, atomically: true, encoding: .utf8)
    XCTAssertEqual(loadError(), "\(file.path): heads (3) must divide modelDim (16)")
  }

  func testHalfPrecisionRoundTrip() throws {
    let model = try tinyRandomModel()
    for dtype in [DType.f16, .bf16] {
      try CheckpointWriter.save(model, to: directory, endOfTextID: nil, dtype: dtype)
      let (loaded, report) = try ModelLoader.load(ModelDirectory(url: directory))
      XCTAssertEqual(report.dtypes, [dtype.rawValue: 28])
      let original = model.parameters.tensor(.block(0, .qkvWeight))
      let rounded = loaded.parameters.tensor(.block(0, .qkvWeight))
      let bound: Float = dtype == .f16 ? 1e-3 : 4e-3
      XCTAssertLessThanOrEqual(original.maxAbsDifference(rounded), bound)
      XCTAssertGreaterThan(original.maxAbsDifference(rounded), 0)
    }
  }

  func testResolvesModelNamesThroughTheOfflineHuggingFaceCache() throws {
    let cache = directory.appendingPathComponent("hub")
    let snapshot = cache.appendingPathComponent("models--openai-community--gpt2/snapshots/abc123")
    try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: directory.appendingPathComponent("config.json"), to: snapshot.appendingPathComponent("config.json"))
    try FileManager.default.createDirectory(at: cache.appendingPathComponent("models--openai-community--gpt2/refs"), withIntermediateDirectories: true)
    try "abc123".write(to: cache.appendingPathComponent("models--openai-community--gpt2/refs/main"), atomically: true, encoding: .utf8)
    let resolved = try ModelDirectory.resolve("gpt2", environment: ["HF_HUB_CACHE": cache.path, "HOME": "/nonexistent"])
    XCTAssertEqual(resolved.url.standardizedFileURL.path, snapshot.standardizedFileURL.path)
    let viaHome = try ModelDirectory.resolve("openai-community/gpt2", environment: ["HF_HOME": directory.path, "HOME": "/nonexistent"])
    XCTAssertEqual(viaHome.url.standardizedFileURL.path, snapshot.standardizedFileURL.path)
    XCTAssertThrowsError(try ModelDirectory.resolve("no-such-model", environment: ["HOME": "/nonexistent"])) { error in
      XCTAssertTrue("\(error)".hasPrefix("model 'no-such-model' not found"), "\(error)")
    }
  }
}
