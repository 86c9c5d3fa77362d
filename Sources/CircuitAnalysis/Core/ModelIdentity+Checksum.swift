import Foundation
import TransformerEngine

extension ModelIdentity {
  /// The SHA-256 over a model's weight files: for one `model.safetensors` it is that file's
  /// digest (what `sha256sum model.safetensors` prints); for a sharded checkpoint, the digest of
  /// the shards' bytes concatenated in file-name order. A single file's digest is remembered
  /// between runs (`ChecksumCache`).
  public static func checksum(of directory: ModelDirectory) throws -> String {
    let files = try directory.weightFiles().sorted { $0.lastPathComponent < $1.lastPathComponent }
    if files.count == 1 { return try ChecksumCache.sha256(of: files[0]) }
    var hasher = SHA256()
    for file in files {
      let handle = try FileHandle(forReadingFrom: file.resolvingSymlinksInPath())
      defer { try? handle.close() }
      while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
    }
    return hasher.finalizeHex()
  }
}
