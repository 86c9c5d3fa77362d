import Foundation

/// Reading tokenizer files with errors that name the file.
enum FileReading {
  /// The contents of `url`, or a `TokenizerError` naming it.
  static func data(_ url: URL) throws -> Data {
    let name = url.lastPathComponent
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
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
}
