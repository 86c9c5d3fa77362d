import CircuitAnalysis
import Foundation

/// The saved state of an investigation: which model, what inputs, which interventions are active,
/// every command run with its results, and the workbench's view. Independent of the executor,
/// which replays `history` and restores the rest.
///
/// Its JSON form has `format` = `headlab.session`, a `version` {major, minor} and sorted keys
/// (`SessionFile` reads and writes it). The version written is always `SessionVersion.current`;
/// fields a newer minor version added are dropped on reading.
public struct Session: Codable, Equatable, Sendable {
  public static let formatName = "headlab.session"

  public var model: SessionModelReference
  /// Tokenizer settings as the executor records them (e.g. `prepend_bos`), an open object.
  public var tokenizer: [String: JSONValue]
  public var inputs: SessionInputs
  public var interventions: SessionInterventions
  public var history: [SessionCommandRecord]
  /// The workbench's view state (selected layer, head and token, panel, theme); the TUI owns its
  /// keys, this file only keeps them.
  public var view: [String: JSONValue]

  public init(
    model: SessionModelReference, tokenizer: [String: JSONValue] = [:], inputs: SessionInputs = SessionInputs(),
    interventions: SessionInterventions = SessionInterventions(), history: [SessionCommandRecord] = [],
    view: [String: JSONValue] = [:]
  ) {
    self.model = model
    self.tokenizer = tokenizer
    self.inputs = inputs
    self.interventions = interventions
    self.history = history
    self.view = view
  }

  enum CodingKeys: String, CodingKey {
    case format, version, model, tokenizer, inputs, interventions, history, view
  }

  /// Decodes the body; `SessionFile.decode` has checked `format` and `version` before.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    model = try c.decode(SessionModelReference.self, forKey: .model)
    tokenizer = try c.decodeIfPresent([String: JSONValue].self, forKey: .tokenizer) ?? [:]
    inputs = try c.decodeIfPresent(SessionInputs.self, forKey: .inputs) ?? SessionInputs()
    interventions = try c.decodeIfPresent(SessionInterventions.self, forKey: .interventions) ?? SessionInterventions()
    history = try c.decodeIfPresent([SessionCommandRecord].self, forKey: .history) ?? []
    view = try c.decodeIfPresent([String: JSONValue].self, forKey: .view) ?? [:]
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(Session.formatName, forKey: .format)
    try c.encode(SessionVersion.current, forKey: .version)
    try c.encode(model, forKey: .model)
    try c.encode(tokenizer, forKey: .tokenizer)
    try c.encode(inputs, forKey: .inputs)
    try c.encode(interventions, forKey: .interventions)
    try c.encode(history, forKey: .history)
    try c.encode(view, forKey: .view)
  }
}
