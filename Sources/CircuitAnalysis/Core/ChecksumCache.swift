import Foundation
import TransformerEngine

/// Remembers the SHA-256 of weight files so that a model's identity costs a hash only once: GPT-2
/// small's 475 MiB take about 2.5 s to hash here, on every command. An entry is keyed by the
/// file's resolved path and trusted while its size and modification time are unchanged (as make
/// and git trust them). The cache is `$HEADLAB_CACHE_DIR/weights-sha256.json`, else
/// `$XDG_CACHE_HOME/headlab/…`, else `~/.cache/headlab/…`; it is written atomically, and a missing,
/// unreadable or unwritable cache only means hashing again.
public enum ChecksumCache {
  public struct Entry: Codable, Equatable {
    public let size: Int
    public let modified: Double
    public let sha256: String

    public init(size: Int, modified: Double, sha256: String) {
      self.size = size
      self.modified = modified
      self.sha256 = sha256
    }
  }

  public static func file(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    if let dir = environment["HEADLAB_CACHE_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir).appendingPathComponent("weights-sha256.json") }
    let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
    return base.appendingPathComponent("headlab/weights-sha256.json")
  }

  /// The digest of `url`'s contents, from the cache when the file is unchanged.
  public static func sha256(of url: URL, cache: URL = file()) throws -> String {
    let resolved = url.resolvingSymlinksInPath()
    let attributes = try FileManager.default.attributesOfItem(atPath: resolved.path)
    let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
    let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
    var entries = (try? JSONDecoder().decode([String: Entry].self, from: Data(contentsOf: cache))) ?? [:]
    if let entry = entries[resolved.path], entry.size == size, entry.modified == modified { return entry.sha256 }
    let digest = try SHA256.hex(fileAt: resolved)
    entries[resolved.path] = Entry(size: size, modified: modified, sha256: digest)
    if let data = try? JSONEncoder().encode(entries) {
      try? FileManager.default.createDirectory(at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
      try? data.write(to: cache, options: .atomic)
    }
    return digest
  }
}
