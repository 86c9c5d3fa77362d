import Foundation

/// Renders DOT text to SVG or PNG with Graphviz's `dot` binary, when it is installed (`$HEADLAB_DOT`
/// names another binary). HeadLab writes DOT itself; only rendering needs Graphviz.
public enum GraphvizRenderer {
  public enum Failure: Error, CustomStringConvertible, Equatable {
    case notInstalled
    case failed(status: Int32, message: String)

    public var description: String {
      switch self {
      case .notInstalled:
        return "Graphviz's 'dot' is not installed (apt-get install graphviz), so the circuit cannot be rendered; write it as .dot instead"
      case .failed(let status, let message): return "dot failed (exit \(status)): \(message)"
      }
    }
  }

  /// The `dot` binary: `$HEADLAB_DOT`, or the first `dot` on `$PATH`.
  public static var binary: URL? {
    let environment = ProcessInfo.processInfo.environment
    if let explicit = environment["HEADLAB_DOT"], !explicit.isEmpty {
      return FileManager.default.isExecutableFile(atPath: explicit) ? URL(fileURLWithPath: explicit) : nil
    }
    for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("dot")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  /// `dot`'s output for `text` in `format` ("svg", "png"), and anything it wrote to stderr
  /// (warnings); throws when `dot` is missing or fails.
  public static func render(_ text: String, format: String) throws -> (output: Data, warnings: String) {
    guard let binary else { throw Failure.notInstalled }
    let process = Process()
    process.executableURL = binary
    process.arguments = ["-T" + format]
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Read both pipes while writing, so that a large graph cannot fill a pipe and stall `dot`.
    let group = DispatchGroup()
    nonisolated(unsafe) var rendered = Data(), warnings = Data()
    DispatchQueue.global().async(group: group) { rendered = output.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { warnings = errors.fileHandleForReading.readDataToEndOfFile() }
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    group.wait()
    process.waitUntilExit()
    let message = String(decoding: warnings, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0 else { throw Failure.failed(status: process.terminationStatus, message: message) }
    return (rendered, message)
  }
}
