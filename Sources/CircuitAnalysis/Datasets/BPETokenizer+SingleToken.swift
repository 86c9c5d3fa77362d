import Tokenizers

extension BPETokenizer {
  /// The one token `text` encodes to (a word with its leading space, e.g. " Mary"), or
  /// `AnalysisError.notSingleToken` naming `role` and the pieces it splits into.
  public func singleToken(_ text: String, role: String) throws -> Int {
    let ids = encode(text, prependBOS: false)
    guard ids.count == 1 else { throw AnalysisError.notSingleToken(role: role, text: text, tokens: ids.map(tokenText)) }
    return ids[0]
  }
}
