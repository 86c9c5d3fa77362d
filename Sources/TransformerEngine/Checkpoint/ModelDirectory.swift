import Foundation

/// A Hugging Face model directory: `config.json`, weights in `model.safetensors` or shards listed
/// by `model.safetensors.index.json`, and tokenizer files beside them.
public struct ModelDirectory: Sendable {
  public let url: URL
  public var configFile: URL { url.appendingPathComponent("config.json") }

  public init(url: URL) { self.url = url }

  /// Resolves `--model`: an existing directory, or a hub name ("gpt2", "openai-community/gpt2")
  /// looked up offline in the Hugging Face cache: `$HF_HUB_CACHE`, `$HF_HOME/hub`,
  /// `~/.cache/huggingface/hub`, folder `models--ORG--NAME/snapshots/<rev>` (the revision `refs/main`
  /// points at, else the newest snapshot). Bare GPT-2-family names also try `openai-community/`.
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
        if let snapshot = snapshot(in: repo) { return ModelDirectory(url: snapshot) }
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

  private static func snapshot(in repo: URL) -> URL? {
    let snapshots = repo.appendingPathComponent("snapshots")
    if let ref = try? String(contentsOf: repo.appendingPathComponent("refs/main"), encoding: .utf8) {
      let candidate = snapshots.appendingPathComponent(ref.trimmingCharacters(in: .whitespacesAndNewlines))
      if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("config.json").path) { return candidate }
    }
    let entries = (try? FileManager.default.contentsOfDirectory(at: snapshots, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
    let withConfig = entries.filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
    return withConfig.max { a, b in
      let da = (try? a.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
      let db = (try? b.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
      return da < db
    }
  }

  /// The safetensors files holding the weights, in the documented order of preference:
  /// `model.safetensors.index.json` (its shards), then `model.safetensors`. A directory with only
  /// `pytorch_model.bin` is refused with instructions to convert.
  public func weightFiles() throws -> [URL] {
    let fm = FileManager.default
    let index = url.appendingPathComponent("model.safetensors.index.json")
    if fm.fileExists(atPath: index.path) {
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
      for shard in urls where !fm.fileExists(atPath: shard.path) {
        throw CheckpointError.missingFile(directory: url.path, expected: "\(shard.lastPathComponent) (listed in model.safetensors.index.json)")
      }
      return urls
    }
    let single = url.appendingPathComponent("model.safetensors")
    if fm.fileExists(atPath: single.path) { return [single] }
    if fm.fileExists(atPath: url.appendingPathComponent("pytorch_model.bin").path) {
      throw CheckpointError.pickleRefused(file: url.appendingPathComponent("pytorch_model.bin").path)
    }
    throw CheckpointError.missingFile(directory: url.path, expected: "model.safetensors or model.safetensors.index.json")
  }
}
