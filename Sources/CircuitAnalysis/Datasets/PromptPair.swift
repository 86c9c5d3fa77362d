import Tokenizers

/// One clean/corrupted prompt pair of an analysis dataset, as token ids (what the analyses read)
/// with its texts beside them (what a table or the workbench shows).
///
/// The two prompts align token by token (same length, BOS first, as TransformerLens prepends
/// `<|endoftext|>`), so that an activation at position p of one run can be patched into position p
/// of the other (Heimersheim & Nanda 2024; papers.md section 4). The metric is read at
/// `answerPosition`, the last token, on both runs: the logit difference `logit(answer) -
/// logit(wrong)` (Wang et al. 2023, papers.md section 3).
public struct PromptPair: Equatable, Sendable {
  /// The clean prompt's token ids, BOS first.  [T]
  public let clean: [Int]
  /// The corrupted (reference) prompt's token ids, BOS first.  [T], the same T as `clean`
  public let corrupted: [Int]
  /// The correct next token on the clean prompt (IOI: the indirect object).
  public let answer: Int
  /// The competing token of the logit difference (IOI: the subject).
  public let wrong: Int
  /// Where the metric is read: the last real token, `clean.count - 1` (a padded batch keeps
  /// this index of the unpadded row).
  public let answerPosition: Int
  /// The template the prompt came from (IOI "abba.3", successor "days.3", a user file's
  /// "template"). Pairs of one template and length share their token roles position by
  /// position; mean ablation averages the reference prompts per template (see
  /// `ReferenceGrouping`).
  public let template: String
  /// Named positions in the clean prompt, where a dataset knows them: IOI's "IO", "S1", "S2",
  /// "S1+1" and "END" (Wang et al.'s word indices). Empty otherwise.
  public internal(set) var rolePositions: [String: Int] = [:]
  /// The clean prompt's text, without BOS.
  public let cleanText: String
  /// The corrupted prompt's text, without BOS.
  public let corruptedText: String
  /// The answer token's text, e.g. " Mary".
  public let answerText: String
  /// The wrong token's text, e.g. " John".
  public let wrongText: String

  /// A pair from token ids. Throws `AnalysisError.misalignedPair` (showing both tokenisations)
  /// when the prompts differ in length, and `emptyDataset` for an empty prompt.
  public init(
    clean: [Int], corrupted: [Int], answer: Int, wrong: Int, template: String,
    cleanText: String, corruptedText: String, answerText: String, wrongText: String,
    tokenText: (Int) -> String
  ) throws {
    guard !clean.isEmpty else { throw AnalysisError.emptyDataset("the clean prompt \(cleanText.debugDescription) has no tokens") }
    guard clean.count == corrupted.count else {
      throw AnalysisError.misalignedPair(clean: clean.map(tokenText), corrupted: corrupted.map(tokenText))
    }
    self.clean = clean
    self.corrupted = corrupted
    self.answer = answer
    self.wrong = wrong
    self.answerPosition = clean.count - 1
    self.template = template
    self.cleanText = cleanText
    self.corruptedText = corruptedText
    self.answerText = answerText
    self.wrongText = wrongText
  }

  /// A pair from text: both prompts get BOS, the answer and wrong texts must each be one token
  /// (`AnalysisError.notSingleToken` otherwise), and the prompts must align
  /// (`AnalysisError.misalignedPair`).
  public init(
    clean: String, corrupted: String, answer: String, wrong: String, template: String,
    tokenizer: BPETokenizer
  ) throws {
    let tokens = try DatasetTokenizer(tokenizer)
    try self.init(
      clean: tokens.prompt(clean), corrupted: tokens.prompt(corrupted),
      answer: try tokens.singleToken(answer, role: "answer"),
      wrong: try tokens.singleToken(wrong, role: "wrong token"), template: template,
      cleanText: clean, corruptedText: corrupted, answerText: answer, wrongText: wrong,
      tokenText: tokenizer.tokenText)
  }
}
