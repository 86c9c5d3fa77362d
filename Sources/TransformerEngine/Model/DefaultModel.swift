import Foundation

/// Where the embedded default model lives: the `default-model` resource of this module, a
/// Hugging Face GPT-2 directory that HeadLab trained itself (see its README.md and recipe.json).
public enum DefaultModel {
  /// The directory, looked up beside the executable (where `swift build` puts this module's
  /// resources) and then in the source tree it was built from; nil if neither has it. Found by
  /// path rather than `Bundle.module`, which stops the process when its bundle is missing.
  public static var directory: URL? {
    let name = "default-model"
    var candidates: [URL] = []
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
    for base in [executable, Bundle.main.bundleURL] {
      candidates.append(base.appendingPathComponent("HeadLab_TransformerEngine.resources/\(name)"))
      candidates.append(base.appendingPathComponent("HeadLab_TransformerEngine.bundle/\(name)"))
    }
    candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Resources/\(name)"))
    return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
  }
}
