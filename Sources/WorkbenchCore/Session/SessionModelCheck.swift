import CircuitAnalysis
import Foundation
import TransformerEngine

/// What opening a session found of its model: the same weights, no model at all, or a model whose
/// weights differ from the ones the session's results were computed on. The executor offers to
/// continue with another model in the last two cases.
public enum SessionModelCheck: Equatable, Sendable {
  /// The weights found have the session's checksum.
  case found(directory: String)
  /// Neither the saved directory nor the reference resolves to a model directory.
  case missing(reference: String, directory: String, reason: String)
  /// A model is there but its weights are not the session's.
  case checksumDiffers(reference: String, directory: String, expected: String, found: String)

  /// The directory to load, or a `SessionModelError` saying why there is none.
  public func requireFound() throws -> URL {
    switch self {
    case .found(let directory): return URL(fileURLWithPath: directory)
    case .missing(let reference, let directory, let reason):
      throw SessionModelError.missing(reference: reference, directory: directory, reason: reason)
    case .checksumDiffers(let reference, let directory, let expected, let found):
      throw SessionModelError.checksumDiffers(reference: reference, directory: directory, expected: expected, found: found)
    }
  }
}

/// `SessionModelCheck`'s two failures as an error.
public enum SessionModelError: Error, Equatable, CustomStringConvertible {
  case missing(reference: String, directory: String, reason: String)
  case checksumDiffers(reference: String, directory: String, expected: String, found: String)

  public var description: String {
    switch self {
    case .missing(let reference, let directory, let reason):
      return "the session's model \(reference.debugDescription) is missing (it was \(directory)): \(reason); "
        + "continue with another model to replay it there"
    case .checksumDiffers(let reference, let directory, let expected, let found):
      return "the session's model \(reference.debugDescription) has changed: the weights in \(directory) have SHA-256 \(found), "
        + "the session was recorded with \(expected); its stored results may not reproduce"
    }
  }
}

extension SessionModelReference {
  /// Finds the session's model: the saved directory if it still holds a model, else the reference
  /// resolved again (`default` is the embedded model, anything else goes through
  /// `ModelDirectory.resolve`), and compares the weights' SHA-256 with the saved one.
  public func check(resolve: (String) throws -> URL = SessionModelReference.resolveReference) -> SessionModelCheck {
    var candidate: URL?
    var reason = "the directory is gone and \(reference.debugDescription) resolves to no model directory"
    if FileManager.default.fileExists(atPath: URL(fileURLWithPath: directory).appendingPathComponent("config.json").path) {
      candidate = URL(fileURLWithPath: directory)
    } else {
      do {
        candidate = try resolve(reference)
      } catch {
        reason = "the directory is gone and \(reference.debugDescription) does not resolve: \(error)"
      }
    }
    guard let found = candidate else { return .missing(reference: reference, directory: directory, reason: reason) }
    do {
      let sum = try ModelIdentity.checksum(of: ModelDirectory(url: found))
      guard sum == sha256 else { return .checksumDiffers(reference: reference, directory: found.path, expected: sha256, found: sum) }
      return .found(directory: found.path)
    } catch {
      return .missing(reference: reference, directory: found.path, reason: "its weights cannot be read: \(error)")
    }
  }

  /// `default` is the embedded model; other references are directories or hub names.
  public static func resolveReference(_ reference: String) throws -> URL {
    if reference == "default" {
      guard let url = DefaultModel.directory else { throw SessionModelError.missing(reference: reference, directory: "default-model", reason: "the embedded model is not installed") }
      return url
    }
    return try ModelDirectory.resolve(reference).url
  }
}
