import Foundation

/// The JSON Schema (draft 2020-12) of `headlab.result/1`: `headlab.result-1.schema.json`, a
/// resource of this module. It describes exactly what `AnalysisResult` encodes (one result or a
/// non-empty list of them); the shape invariants it cannot state are `AnalysisResult.validate()`'s.
public enum ResultSchema {
  public static let fileName = "headlab.result-1.schema.json"

  /// The schema file, looked up beside the executable (where `swift build` puts this module's
  /// resources), in the main bundle, and then in the source tree it was built from; nil if none
  /// has it. Found by path rather than `Bundle.module`, which stops the process when its bundle
  /// is missing (as `DefaultModel.directory` does).
  public static var url: URL? {
    var candidates: [URL] = []
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
    for base in [executable, Bundle.main.bundleURL] {
      candidates.append(base.appendingPathComponent("HeadLab_CircuitAnalysis.resources/\(fileName)"))
      candidates.append(base.appendingPathComponent("HeadLab_CircuitAnalysis.bundle/\(fileName)"))
    }
    candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Resources/\(fileName)"))
    return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
  }

  /// The schema's bytes.
  public static func data() throws -> Data {
    guard let url else { throw AnalysisError.invalidArgument("the result schema \(fileName) is not installed beside this program or in its source tree") }
    return try Data(contentsOf: url)
  }

  /// The schema's text.
  public static func text() throws -> String { String(decoding: try data(), as: UTF8.self) }
}
