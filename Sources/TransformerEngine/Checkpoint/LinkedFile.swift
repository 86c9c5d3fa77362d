import Foundation

/// Files HeadLab reads may be symbolic links: every file of a Hugging Face cache snapshot is one
/// (`snapshots/<rev>/model.safetensors -> ../../blobs/<sha256>`). Opening, sizing and listing
/// always follow links (sizes come from `fstat` of the opened file, never from the link); this
/// tells a missing file from a link whose target is missing, so that the error names both.
enum LinkedFile {
  /// Whether `url` is an existing file or directory, or a link to one. A symbolic link whose
  /// target does not exist throws `CheckpointError.danglingLink` naming the link and its target.
  static func exists(_ url: URL) throws -> Bool {
    if FileManager.default.fileExists(atPath: url.path) { return true }
    try checkNotDangling(url)
    return false
  }

  /// Whether `url` is a directory or a link to one; a dangling link throws as in `exists`.
  static func isDirectory(_ url: URL) throws -> Bool {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) { return isDirectory.boolValue }
    try checkNotDangling(url)
    return false
  }

  /// Throws `CheckpointError.danglingLink` if `url` is a symbolic link whose target is missing.
  static func checkNotDangling(_ url: URL) throws {
    guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path),
          !FileManager.default.fileExists(atPath: url.path) else { return }
    throw CheckpointError.danglingLink(link: url.path, target: target)
  }
}
