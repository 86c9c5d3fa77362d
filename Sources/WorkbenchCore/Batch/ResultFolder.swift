import CircuitAnalysis
import Foundation

/// `headlab batch FILE --out DIR`: every command's results as their own file, in order:
/// `DIR/003-patch.attn_head_out_all_pos.json` holds the third result-producing command's results
/// (a `headlab.result/1` object, or a list of them when the command gave several). Each file is
/// written atomically.
public final class ResultFolder {
  public let url: URL
  /// How many files have been written.
  public private(set) var count = 0

  /// Creates the folder (and its parents) if needed.
  public init(path: String) throws {
    url = URL(fileURLWithPath: path, isDirectory: true)
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
      throw ResultFolderError(message: "--out \(path) is a file, not a folder")
    }
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  /// Writes one command's results; returns the file.
  @discardableResult
  public func write(_ results: [AnalysisResult]) throws -> URL {
    guard let first = results.first else { throw ResultFolderError(message: "no results to write") }
    count += 1
    let name = String(format: "%03d-", count) + first.kind.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" ? $0 : "-" } + ".json"
    let file = url.appendingPathComponent(name)
    let data = results.count == 1 ? try first.jsonData() : try AnalysisResult.jsonData(results)
    try data.write(to: file, options: .atomic)
    return file
  }
}

/// A `--out` folder that cannot be used.
public struct ResultFolderError: Error, LocalizedError, CustomStringConvertible {
  public let message: String
  public var description: String { message }
  public var errorDescription: String? { message }
}
