import Foundation

/// A Hugging Face model directory: `config.json`, weights in `model.safetensors` or shards listed
/// by `model.safetensors.index.json`, and tokenizer files beside them.
public struct ModelDirectory: Sendable {
  public let url: URL
  public var configFile: URL { url.appendingPathComponent("config.json") }

  public init(url: URL) { self.url = url }

  /// Resolves `--model`: an existing directory, or a hub name ("gpt2", "openai-community/gpt2")
  /// looked up offline in the Hugging Face cache: `$HF_HUB_CACHE`, `$HF_HOME/hub`,
  /// `~/.cache/huggingface/hub`, folder `models--ORG--NAME`, the snapshot `refs/main` names
  /// (see `snapshot(in:)`). Bare GPT-2-family names also try `openai-community/`. The snapshot's
  /// files are relative symbolic links into the repository's `blobs/`, which every reader follows.
  public static func resolve(_ reference: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ModelDirectory {
    var isDirectory: ObjCBool = false
    let expanded = (reference as NSString).expandingTildeInPath
    if FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw CheckpointError.badConfig(file: expanded, reason: "is a file; --model takes a model directory or a model name")
      }
      return ModelDirectory(url: URL(fileURLWithPath: expanded))
    }
    let caches = cacheRoots(environment: environment)
    var names = [reference]
    if !reference.contains("/") { names.append("openai-community/\(reference)") }
    var searched: [String] = []
    for root in caches {
      for name in names {
        let repo = root.appendingPathComponent("models--" + name.replacingOccurrences(of: "/", with: "--"))
        searched.append(repo.path)
        if let snapshot = try snapshot(in: repo) { return ModelDirectory(url: snapshot) }
      }
    }
    throw CheckpointError.modelNotFound(reference: reference, searched: searched)
  }

  static func cacheRoots(environment: [String: String]) -> [URL] {
    var roots: [URL] = []
    if let hub = environment["HF_HUB_CACHE"] ?? environment["HUGGINGFACE_HUB_CACHE"] { roots.append(URL(fileURLWithPath: hub)) }
    if let home = environment["HF_HOME"] { roots.append(URL(fileURLWithPath: home).appendingPathComponent("hub")) }
    let userHome = environment["HOME"] ?? NSHomeDirectory()
    let base = environment["XDG_CACHE_HOME"] ?? (userHome + "/.cache")
    roots.append(URL(fileURLWithPath: base).appendingPathComponent("huggingface/hub"))
    return roots
  }

  /// The snapshot to load from a cached repository folder (`models--ORG--NAME`, laid out as
  /// `huggingface_hub` writes it: `refs/main` holding a commit hash, `snapshots/<commit>/`), or nil
  /// if the folder holds no snapshot at all (the search goes on in the next cache).
  ///
  /// `refs/main` decides. If it names a snapshot that is not there, this is an error, not a
  /// fallback to another snapshot: another snapshot is another revision of the model, and loading
  /// it silently would run weights the user did not ask for. Without `refs/main` (a cache filled by
  /// downloading a pinned commit) the only snapshot is used, and several are refused as ambiguous.
  static func snapshot(in repo: URL) throws -> URL? {
    let snapshots = repo.appendingPathComponent("snapshots")
    let ref = repo.appendingPathComponent("refs/main")
    if try LinkedFile.exists(ref) {
      guard let text = try? String(contentsOf: ref, encoding: .utf8) else {
        throw CheckpointError.unreadable(file: ref.path, reason: "not UTF-8 text")
      }
      let revision = text.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !revision.isEmpty, !revision.contains("/"), revision != ".", revision != ".." else {
        throw CheckpointError.badCache(file: ref.path, reason: "expected a commit hash naming a folder in snapshots/, found '\(revision)'")
      }
      let snapshot = snapshots.appendingPathComponent(revision)
      guard try LinkedFile.isDirectory(snapshot) else {
        throw CheckpointError.badCache(
          file: ref.path,
          reason: "names revision \(revision), but \(snapshot.path) does not exist (an interrupted or pruned download); download the model again, or pass a snapshot directory to --model")
      }
      return snapshot
    }
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: snapshots.path)) ?? [])
      .filter { (try? LinkedFile.isDirectory(snapshots.appendingPathComponent($0))) == true }.sorted()
    guard names.count <= 1 else {
      throw CheckpointError.badCache(
        file: snapshots.path,
        reason: "holds \(names.count) snapshots (\(names.joined(separator: ", "))) and no refs/main to choose between them; pass a snapshot directory to --model")
    }
    return names.first.map { snapshots.appendingPathComponent($0) }
  }

  /// The safetensors files holding the weights, in the documented order of preference:
  /// `model.safetensors.index.json` (its shards), then `model.safetensors`. A directory with only
  /// `pytorch_model.bin` is refused with instructions to convert.
  /// Every file may be a symbolic link (a Hugging Face cache snapshot); a dangling one is named.
  public func weightFiles() throws -> [URL] {
    let fm = FileManager.default
    let index = url.appendingPathComponent("model.safetensors.index.json")
    if try LinkedFile.exists(index) {
      guard let data = fm.contents(atPath: index.path),
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let map = json["weight_map"] as? [String: String] else {
        throw CheckpointError.badConfig(file: index.path, reason: "expected a JSON object with a 'weight_map' of tensor name -> shard file")
      }
      let shards = Set(map.values).sorted()
      for shard in shards where shard.contains("/") || shard.hasPrefix(".") {
        throw CheckpointError.badConfig(file: index.path, reason: "shard name '\(shard)' must be a plain file name in the model directory")
      }
      let urls = shards.map { url.appendingPathComponent($0) }
      for shard in urls where try !LinkedFile.exists(shard) {
        throw CheckpointError.missingFile(directory: url.path, expected: "\(shard.lastPathComponent) (listed in model.safetensors.index.json)")
      }
      return urls
    }
    let single = url.appendingPathComponent("model.safetensors")
    if try LinkedFile.exists(single) { return [single] }
    if try LinkedFile.exists(url.appendingPathComponent("pytorch_model.bin")) {
      throw CheckpointError.pickleRefused(file: url.appendingPathComponent("pytorch_model.bin").path)
    }
    throw CheckpointError.missingFile(directory: url.path, expected: "model.safetensors or model.safetensors.index.json")
  }
}
