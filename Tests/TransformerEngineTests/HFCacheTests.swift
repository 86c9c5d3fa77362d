import Foundation
import HeadLabTestSupport
import Tokenizers
import TransformerEngine
import XCTest

/// `--model ORG/NAME` through a Hugging Face cache laid out exactly as `huggingface_hub` writes it.
///
/// The fixture `Resources/hf-cache` comes from scripts/make_hf_cache_fixture.py, which has
/// `hf_hub_download` itself fill the cache: `snapshots/<rev>/<file>` are relative symbolic links
/// `../../blobs/<hash>`, `refs/main` names the current revision. Git stores the links as links
/// (mode 120000) and SwiftPM's `.copy("Resources")` copies them as links (checked by
/// `testFixtureIsLaidOutAsHuggingFaceHubWritesIt`, so a platform whose copy dereferenced them would
/// fail there, not pass silently). Every other test works on a copy in a temporary directory made
/// with `FileManager.copyItem`, which copies links as links (checked in `setUp`), so it can break the
/// cache without touching the bundle.
final class HFCacheTests: XCTestCase {
  static let repoID = "headlab-tests/tiny-gpt2"
  /// refs/main: the files of models/tiny-sharded (three F32 shards and their index).
  static let mainRevision = "78355e6a486cb29eb97e3f5075591882dfa40e8c"
  /// An older revision: the files of models/tiny-f16 (one F16 model.safetensors).
  static let oldRevision = "cfdb79001abcad4cd0a27630034373200628979e"
  static let repoFolder = "models--headlab-tests--tiny-gpt2"

  let resources = Fixtures.resources(in: .module)
  var scratch: URL!
  var cache: URL!
  var repo: URL { cache.appendingPathComponent(Self.repoFolder) }
  var environment: [String: String] { ["HF_HUB_CACHE": cache.path, "HOME": scratch.appendingPathComponent("home").path] }

  func snapshot(_ revision: String) -> URL { repo.appendingPathComponent("snapshots/\(revision)") }

  override func setUpWithError() throws {
    scratch = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-hf-cache-\(UUID().uuidString)")
    cache = scratch.appendingPathComponent("hub")
    try resetCache()
  }

  /// Replaces the temporary cache with a fresh copy of the fixture.
  func resetCache() throws {
    try? FileManager.default.removeItem(at: cache)
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: resources.appendingPathComponent("hf-cache"), to: cache)
    try assertSnapshotsAreRelativeLinksIntoBlobs(cache)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

  /// Every snapshot entry is a symbolic link `../../blobs/<hash>` to an existing blob: sha256 (64 hex)
  /// for Git LFS files (*.safetensors), git blob sha1 (40 hex) for the rest.
  func assertSnapshotsAreRelativeLinksIntoBlobs(_ cache: URL, file: StaticString = #filePath, line: UInt = #line) throws {
    let fm = FileManager.default
    let repo = cache.appendingPathComponent(Self.repoFolder)
    var links = 0
    for revision in [Self.mainRevision, Self.oldRevision] {
      let snapshot = repo.appendingPathComponent("snapshots/\(revision)")
      for name in try fm.contentsOfDirectory(atPath: snapshot.path) {
        let path = snapshot.appendingPathComponent(name).path
        let type = try fm.attributesOfItem(atPath: path)[.type] as? FileAttributeType
        XCTAssertEqual(type, .typeSymbolicLink, "\(path) is not a symbolic link", file: file, line: line)
        let target = try fm.destinationOfSymbolicLink(atPath: path)
        let hash = target.replacingOccurrences(of: "../../blobs/", with: "")
        XCTAssertTrue(target.hasPrefix("../../blobs/"), "\(path) -> \(target)", file: file, line: line)
        XCTAssertEqual(hash.count, name.hasSuffix(".safetensors") ? 64 : 40, "\(path) -> \(target)", file: file, line: line)
        XCTAssertTrue(hash.allSatisfy(\.isHexDigit), "\(path) -> \(target)", file: file, line: line)
        XCTAssertTrue(fm.fileExists(atPath: repo.appendingPathComponent("blobs/\(hash)").path), "\(path) -> \(target)", file: file, line: line)
        links += 1
      }
    }
    XCTAssertEqual(links, 13, file: file, line: line)
  }

  func testFixtureIsLaidOutAsHuggingFaceHubWritesIt() throws {
    let bundled = resources.appendingPathComponent("hf-cache")
    try assertSnapshotsAreRelativeLinksIntoBlobs(bundled)
    let ref = try String(contentsOf: bundled.appendingPathComponent("\(Self.repoFolder)/refs/main"), encoding: .utf8)
    XCTAssertEqual(ref, Self.mainRevision)
  }

  /// Logits of the first batch through `model` (every position).
  func logits(_ model: TransformerModel) throws -> Tensor {
    try model.forward([[0, 5, 17, 3, 9, 250, 31], [1, 2, 3, 4, 5, 6, 7]], logits: .all)
  }

  func load(_ directory: ModelDirectory) throws -> (TransformerModel, ModelLoader.Report) { try ModelLoader.load(directory) }

  func testModelLoadsByNameWithTheLogitsOfItsDirectory() throws {
    let resolved = try ModelDirectory.resolve(Self.repoID, environment: environment)
    XCTAssertEqual(resolved.url.standardizedFileURL.path, snapshot(Self.mainRevision).standardizedFileURL.path)
    let (model, report) = try load(resolved)
    let (direct, _) = try load(ModelDirectory(url: resources.appendingPathComponent("models/tiny-sharded")))
    // The same bytes through the same code: the logits are identical (tolerance 0).
    XCTAssertEqual(try logits(model), try logits(direct))
    XCTAssertEqual(report.dtypes, ["F32": 28])
    XCTAssertEqual(report.files.map(\.lastPathComponent),
                   ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"])
    // Sizes are the blobs' (63400 + 51960 + 34240 bytes), not the 76-byte links'.
    XCTAssertEqual(report.bytesOnDisk, 149_600)

    let tokenizer = try BPETokenizer.load(directory: resolved.url)
    let directTokenizer = try BPETokenizer.load(directory: resources.appendingPathComponent("models/tiny-sharded"))
    XCTAssertEqual(tokenizer.vocabularySize, 320)
    let text = "hello world, the cat sat on the mat"
    XCTAssertEqual(tokenizer.encode(text), directTokenizer.encode(text))
  }

  func testRefsMainDecidesWhichSnapshotLoads() throws {
    let ref = repo.appendingPathComponent("refs/main")
    try Self.oldRevision.write(to: ref, atomically: true, encoding: .utf8)
    let old = try ModelDirectory.resolve(Self.repoID, environment: environment)
    XCTAssertEqual(old.url.lastPathComponent, Self.oldRevision)
    let (oldModel, oldReport) = try load(old)
    XCTAssertEqual(oldReport.dtypes, ["F16": 28])
    XCTAssertEqual(oldReport.files.map(\.lastPathComponent), ["model.safetensors"])
    XCTAssertEqual(oldReport.bytesOnDisk, 76_048)
    let (f16, _) = try load(ModelDirectory(url: resources.appendingPathComponent("models/tiny-f16")))
    XCTAssertEqual(try logits(oldModel), try logits(f16))

    try Self.mainRevision.write(to: ref, atomically: true, encoding: .utf8)
    let main = try ModelDirectory.resolve(Self.repoID, environment: environment)
    XCTAssertEqual(main.url.lastPathComponent, Self.mainRevision)
    XCTAssertEqual(try load(main).1.dtypes, ["F32": 28])
  }

  func testRefsMainNamingAMissingSnapshotIsAnErrorNotAFallback() throws {
    // As after an interrupted download or a pruned snapshot: refs/main moved on, the old revision is still there.
    try FileManager.default.removeItem(at: snapshot(Self.mainRevision))
    let ref = repo.appendingPathComponent("refs/main").path
    XCTAssertThrowsError(try ModelDirectory.resolve(Self.repoID, environment: environment)) { error in
      let message = "\(error)"
      XCTAssertTrue(message.hasPrefix("\(ref): names revision \(Self.mainRevision), but \(snapshot(Self.mainRevision).path) does not exist"), message)
    }
  }

  func testWithoutRefsMainOnlyASingleSnapshotIsUsed() throws {
    try FileManager.default.removeItem(at: repo.appendingPathComponent("refs/main"))
    XCTAssertThrowsError(try ModelDirectory.resolve(Self.repoID, environment: environment)) { error in
      XCTAssertEqual("\(error)", "\(repo.appendingPathComponent("snapshots").path): holds 2 snapshots (\(Self.mainRevision), \(Self.oldRevision)) and no refs/main to choose between them; pass a snapshot directory to --model")
    }
    try FileManager.default.removeItem(at: snapshot(Self.mainRevision))
    XCTAssertEqual(try ModelDirectory.resolve(Self.repoID, environment: environment).url.lastPathComponent, Self.oldRevision)
  }

  /// Deletes the blob `name` links to in the main snapshot; returns the link's path and target.
  func deleteBlob(of name: String) throws -> (link: String, target: String) {
    let link = snapshot(Self.mainRevision).appendingPathComponent(name).path
    let target = try FileManager.default.destinationOfSymbolicLink(atPath: link)
    try FileManager.default.removeItem(at: repo.appendingPathComponent(target.replacingOccurrences(of: "../../", with: "")))
    return (link, target)
  }

  func testADanglingLinkIsNamedWithItsTarget() throws {
    for name in ["config.json", "model.safetensors.index.json", "model-00002-of-00003.safetensors"] {
      try resetCache()
      let (link, target) = try deleteBlob(of: name)
      let resolvedTarget = repo.appendingPathComponent(target.replacingOccurrences(of: "../../", with: "")).path
      XCTAssertThrowsError(try load(ModelDirectory.resolve(Self.repoID, environment: environment)), name) { error in
        XCTAssertEqual(error as? CheckpointError, .danglingLink(link: link, target: target))
        XCTAssertTrue("\(error)".hasPrefix("\(link): symbolic link to \(target) (\(resolvedTarget)), which does not exist"), "\(error)")
      }
    }
  }

  func testADanglingTokenizerLinkIsNamedWithItsTarget() throws {
    for name in ["vocab.json", "merges.txt"] {
      try resetCache()
      let (link, target) = try deleteBlob(of: name)
      XCTAssertThrowsError(try BPETokenizer.load(directory: snapshot(Self.mainRevision)), name) { error in
        XCTAssertEqual((error as? TokenizerError)?.kind, .fileNotFound)
        XCTAssertTrue("\(error)".hasPrefix("\(name): \(link) is a symbolic link to \(target) ("), "\(error)")
      }
    }
  }
}
