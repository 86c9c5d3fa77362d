import CircuitAnalysis
import Foundation

extension Workbench {
  /// The investigation so far as a session file's value: the model, the inputs, the active
  /// interventions and every command run with its results.
  public func session() throws -> Session {
    let m = try loadedModel()
    // How prompts became token ids: BOS first (as TransformerLens), the model's own byte-level BPE.
    var tokenizer: [String: JSONValue] = ["prepend_bos": .bool(m.tokenizer.endOfTextID != nil), "kind": .string("byte-level BPE")]
    if let bos = m.tokenizer.endOfTextID { tokenizer["bos_id"] = .integer(bos) }
    return Session(
      model: SessionModelReference(reference: m.reference, directory: m.directory.url.path, sha256: m.subject.identity.sha256),
      tokenizer: tokenizer, inputs: inputs, interventions: interventions, history: history, view: view.json)
  }

  /// `save FILE`: writes the session atomically, keeping the previous file as FILE~.
  func save(_ a: CommandArguments) throws -> CommandOutput {
    let path = a.positional(0)!.text
    try SessionFile.save(try session(), to: URL(fileURLWithPath: path))
    return .message("saved \(history.count) command\(history.count == 1 ? "" : "s") to \(path)")
  }

  /// Shows what a session's `view` held (after its history has been replayed).
  public func restoreView(_ session: Session) { view = ViewState(json: session.view) }

  /// The arguments of a line as JSON: `positional` (a list) and one key per option.
  static func argumentsJSON(_ line: ParsedLine) -> [String: JSONValue] {
    var out: [String: JSONValue] = [:]
    if !line.positionals.isEmpty { out["positional"] = .strings(line.positionals.map(\.text)) }
    for option in line.options { out[option.key!.text] = .string(option.value.text) }
    return out
  }
}
