import Foundation

/// Reading tokenizer files with errors that name the file. Files may be symbolic links (every
/// file of a Hugging Face cache snapshot links into its `blobs/`); reading follows them, and a
/// link whose target is missing is named together with its target.
enum FileReading {
  /// The contents of `url`, or a `TokenizerError` naming it.
  static func data(_ url: URL) throws -> Data {
    let name = url.lastPathComponent
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      try checkNotDangling(url)
      throw TokenizerError(.fileNotFound, file: name, "file not found at \(url.path)")
    }
    guard !isDirectory.boolValue else {
      throw TokenizerError(.unreadableFile, file: name, "is a directory, not a file (\(url.path))")
    }
    do {
      return try Data(contentsOf: url)
    } catch {
      throw TokenizerError(.unreadableFile, file: name, "cannot be read (\(url.path))")
    }
  }

  /// The contents of `url` as UTF-8 text.
  static func text(_ url: URL) throws -> String {
    let data = try data(url)
    guard let text = String(data: data, encoding: .utf8) else {
      throw TokenizerError(.unreadableFile, file: url.lastPathComponent, "not valid UTF-8")
    }
    return text
  }

  /// Whether `url` exists (following symbolic links); a dangling link throws.
  static func exists(_ url: URL) throws -> Bool {
    if FileManager.default.fileExists(atPath: url.path) { return true }
    try checkNotDangling(url)
    return false
  }

  /// Throws `.fileNotFound` naming the link and its target if `url` is a symbolic link whose
  /// target does not exist.
  static func checkNotDangling(_ url: URL) throws {
    guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path),
          !FileManager.default.fileExists(atPath: url.path) else { return }
    let resolved = URL(fileURLWithPath: target, relativeTo: url.deletingLastPathComponent()).standardizedFileURL.path
    throw TokenizerError(.fileNotFound, file: url.lastPathComponent,
      "\(url.path) is a symbolic link to \(target) (\(resolved)), which does not exist; in a Hugging Face cache this is a blob missing from an interrupted or pruned download: download the model again")
  }
}
