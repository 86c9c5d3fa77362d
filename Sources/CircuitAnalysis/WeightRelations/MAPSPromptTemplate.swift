import Tokenizers

/// A prompt of the MAPS dynamic score (Elhelo & Geva 2025): the template's tokens before and after
/// the source word, e.g. "No <X> means no" -> prefix "No", suffix " means no". The source token is
/// inserted between them, so every prompt of one template has the same length.
public struct MAPSPromptTemplate: Sendable, Equatable {
  public let text: String
  /// Tokens before the source (BOS first when asked).  [p]
  public let prefix: [Int]
  /// Tokens after the source.  [q]
  public let suffix: [Int]

  public init(text: String, prefix: [Int], suffix: [Int]) {
    self.text = text
    self.prefix = prefix
    self.suffix = suffix
  }

  /// `text` with "<X>" where the source word goes; the source is the token " word", so a space
  /// before "<X>" belongs to the source, not the prefix.
  public init(text: String, tokenizer: BPETokenizer, prependBOS: Bool) throws {
    let parts = text.components(separatedBy: "<X>")
    guard parts.count == 2 else { throw AnalysisError.invalidArgument("the dynamic-score template \(text.debugDescription) must contain <X> exactly once") }
    var before = parts[0]
    if before.hasSuffix(" ") { before.removeLast() }
    var prefix = tokenizer.encode(before)
    if prependBOS {
      guard let bos = tokenizer.endOfTextID else { throw AnalysisError.invalidArgument("the tokenizer has no <|endoftext|> token to prepend as BOS") }
      prefix.insert(bos, at: 0)
    }
    guard !prefix.isEmpty else {
      throw AnalysisError.invalidArgument("the dynamic-score template \(text.debugDescription) puts the source first; prepend BOS or start it with text")
    }
    self.init(text: text, prefix: prefix, suffix: tokenizer.encode(parts[1]))
  }

  /// The templates of `settings` for `tokenizer`.
  public static func standard(_ settings: MAPSSettings, tokenizer: BPETokenizer) throws -> [MAPSPromptTemplate] {
    try settings.templates.map { try MAPSPromptTemplate(text: $0, tokenizer: tokenizer, prependBOS: settings.prependBOS) }
  }

  /// The prompt for `source`.  [p + 1 + q]
  func prompt(_ source: Int) -> [Int] { prefix + [source] + suffix }
}
