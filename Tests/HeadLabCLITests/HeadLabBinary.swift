import Foundation

/// Runs the built `headlab` binary (beside the test bundle, where `swift build` puts products).
enum HeadLabBinary {
  struct Output { let status: Int32; let stdout: String; let stderr: String }

  /// Runs `headlab arguments`, with `environment` added to (and overriding) this process's.
  static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
    let binary = Bundle.main.bundleURL.appendingPathComponent("headlab")
    guard FileManager.default.fileExists(atPath: binary.path) else {
      struct MissingBinary: Error, CustomStringConvertible { let description: String }
      throw MissingBinary(description: "headlab binary not built at \(binary.path); build all products before testing (scripts/test.sh does)")
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// Writes a recipe that trains in a second or two (1 layer, 4 steps of 4 x 16 tokens).
  static func writeTinyRecipe(to url: URL, contextLength: Int) throws {
    try """
      {"model": {"layers": 1, "heads": 2, "modelDim": 32, "contextLength": \(contextLength)},
       "tokenizer": {"vocabularySize": 1600, "trainingDocuments": 200},
       "corpus": {"documents": 400, "seed": 3},
       "training": {"steps": 4, "batchSize": 4, "sequenceLength": 16, "evaluateEvery": 0, "checkpointEvery": 2}}
      """.write(to: url, atomically: true, encoding: .utf8)
  }

  /// A new empty temporary directory.
  static func temporaryDirectory(_ prefix: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }
}
