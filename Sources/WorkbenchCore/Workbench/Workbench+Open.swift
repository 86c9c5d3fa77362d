import CircuitAnalysis
import Foundation

extension Workbench {
  /// `open FILE [model=NAME]`: replaces the workbench's state (model, inputs, interventions,
  /// history) with a saved session's. The session's commands replay on a new workbench
  /// (`SessionReplay`), which this one adopts only once every command has run, so a session that
  /// fails to open leaves the current state untouched.
  ///
  /// The session's model must be there with the weights it was recorded on (`SessionModelCheck`);
  /// otherwise the error says so and suggests `model=NAME`, which re-runs the session's commands on
  /// NAME instead (every `model` command of its history loads NAME). The history is then the re-run
  /// one, with NAME's results; with the session's own model it is the stored history.
  func open(_ a: CommandArguments) throws -> CommandOutput {
    let path = a.positional(0)!.text
    let session = try SessionFile.read(URL(fileURLWithPath: path))
    let replacement = a.option("model")?.text
    let replayed = Workbench()
    do {
      _ = try SessionReplay.replay(session, check: false, on: replayed, model: replacement, cancellation: progress)
    } catch let error as SessionModelError {
      throw SessionModelUnavailable(file: path, reason: error)
    }
    adopt(replayed, history: replacement == nil ? session.history : replayed.history)
    let state = "\(history.count) command\(history.count == 1 ? "" : "s"); \(interventionsSummary)"
    guard let replacement else { return .message("opened \(path): model \(session.model.reference), \(state)") }
    return .message("opened \(path) on model \(replacement) instead of the session's \(session.model.reference) "
      + "(SHA-256 \(session.model.sha256.prefix(12))…): its commands re-ran there, so their results differ from the stored ones; \(state)")
  }
}

/// A session whose model is missing or changed, with the way to open it anyway.
public struct SessionModelUnavailable: Error, LocalizedError, CustomStringConvertible {
  public let file: String
  public let reason: SessionModelError

  public var description: String {
    "\(file): \(reason); to continue with another model, run `open \(ParsedLine.quotedValue(file)) model=NAME` "
      + "(the session's commands then re-run on NAME and their results will differ from the stored ones)"
  }
  public var errorDescription: String? { description }
}
