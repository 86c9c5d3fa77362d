import Foundation
import TransformerEngine
import XCTest

/// `headlab train` is deterministic: the committed default-model recipe, shortened to 50 steps on
/// a smaller corpus, trains twice to the same `model.safetensors` bytes, and to the SHA-256
/// committed for the OpenBLAS kernel family in use (issue 11). The weights depend on the kernel
/// family because each family sums the products of a matrix multiply in its own order; within a
/// family every other input (seed, data order, shard count) is fixed by the recipe.
/// `Fixtures/short-recipe-sha256.json` holds the shortening and one hash per family, made with
/// `headlab train` under `OPENBLAS_CORETYPE=<family>`. The environment's own setting is left as
/// it is: on some processors it is set to avoid wrong results.
final class ReproducibilityTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/short-recipe-sha256.json")

  func testShortenedDefaultRecipeTrainsToTheSameBytesTwiceAndToTheCommittedHash() throws {
    let committed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture)) as? [String: Any])
    let shortening = try XCTUnwrap(committed["shortening"] as? [String: [String: Any]])
    let hashes = try XCTUnwrap(committed["sha256"] as? [String: String])

    let recipeURL = Self.root.appendingPathComponent("Sources/TransformerEngine/Resources/default-model/recipe.json")
    var recipe = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: recipeURL)) as? [String: Any])
    for (section, values) in shortening {
      var part = recipe[section] as? [String: Any] ?? [:]
      part.merge(values) { $1 }
      recipe[section] = part
    }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-repro-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: work) }
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let shortRecipe = work.appendingPathComponent("short-recipe.json")
    try JSONSerialization.data(withJSONObject: recipe, options: [.sortedKeys]).write(to: shortRecipe)

    var digests: [String] = []
    var family = ""
    for run in ["a", "b"] {
      let out = work.appendingPathComponent(run)
      let result = try HeadLabBinary.run(["train", "--config", shortRecipe.path, "--out", out.path, "--eval-prompts", "10"])
      XCTAssertEqual(result.status, 0, result.stderr)
      digests.append(try SHA256.hex(fileAt: out.appendingPathComponent("model.safetensors")))
      let card = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("card.json"))) as? [String: Any])
      family = try XCTUnwrap(card["blasCore"] as? String)
      XCTAssertEqual(card["steps"] as? Int, 50)
    }
    XCTAssertEqual(digests[0], digests[1], "two runs of one recipe gave different weights")
    // A machine whose OpenBLAS picks a family nobody has trained on yet cannot be compared with a
    // committed hash; the two-runs check above has still run. The skip message gives the hash to
    // commit for that family (scripts/short_recipe_hashes.sh makes the same one).
    guard let expected = hashes[family] else {
      throw XCTSkip("no committed hash for OpenBLAS kernel family \(family) (committed: \(hashes.keys.sorted().joined(separator: ", "))); this run gave \(digests[0])")
    }
    XCTAssertEqual(digests[0], expected, "weights differ from those committed for the \(family) kernel family")
  }
}
