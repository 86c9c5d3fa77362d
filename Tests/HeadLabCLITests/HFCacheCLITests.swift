import Foundation
import XCTest

/// `headlab info --model ORG/NAME` finds a model in a Hugging Face cache through `HF_HUB_CACHE`.
///
/// The cache is the TransformerEngine tests' fixture (Tests/TransformerEngineTests/Resources/hf-cache,
/// from scripts/make_hf_cache_fixture.py: snapshot files are relative symlinks into blobs/), read
/// where it is committed, found from this file's path: this target has no resources of its own, and
/// the binary only reads the cache.
final class HFCacheCLITests: XCTestCase {
  static let cache = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("TransformerEngineTests/Resources/hf-cache")
  static let mainSnapshot = "models--headlab-tests--tiny-gpt2/snapshots/78355e6a486cb29eb97e3f5075591882dfa40e8c"

  func testInfoFindsTheModelByNameInTheCache() throws {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-no-home-\(UUID().uuidString)")
    let result = try HeadLabBinary.run(["info", "--model", "headlab-tests/tiny-gpt2", "--json"],
                                       environment: ["HF_HUB_CACHE": Self.cache.path, "HOME": home.path])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    XCTAssertEqual(json["directory"] as? String, Self.cache.appendingPathComponent(Self.mainSnapshot).path)
    XCTAssertEqual(json["files"] as? [String],
                   ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"])
    XCTAssertEqual(json["bytesOnDisk"] as? Int, 149_600, "the blobs' sizes, not the links'")
    XCTAssertEqual(json["tokenizerVocabulary"] as? Int, 320)
    XCTAssertEqual(json["parameters"] as? Int, 36_736)
  }
}
