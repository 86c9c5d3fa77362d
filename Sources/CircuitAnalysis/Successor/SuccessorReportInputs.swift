import Tokenizers

/// What the successor-head report reads: the succession score's tasks, the successor prompts the
/// best head is ablated on with the reference distribution of mean ablation, and the numeric
/// tokens of the mod-10 probe.
public struct SuccessorReportInputs: Sendable {
  public var tasks: [SuccessorTask]
  public var prompts: PromptPairBatch
  /// Mean ablation's reference: the prompts' corrupted runs (shifted back one item), per template.
  public var reference: AblationReference
  public var numeric: NumericTokens
  /// The prompts' description for `params` (a dataset's `resultParams`).
  public var promptParams: JSONValue

  public init(tasks: [SuccessorTask], prompts: PromptPairBatch, reference: AblationReference, numeric: NumericTokens, promptParams: JSONValue) {
    self.tasks = tasks
    self.prompts = prompts
    self.reference = reference
    self.numeric = numeric
    self.promptParams = promptParams
  }

  /// The paper's eight tasks, `SuccessorDataset` prompts and the numeric tokens, for `tokenizer`.
  public init(tokenizer: BPETokenizer, settings: SuccessorReportSettings) throws {
    let dataset = try SuccessorDataset(count: settings.count, seed: settings.seed, runLength: settings.runLength).build(tokenizer: tokenizer)
    self.init(
      tasks: try SuccessorTokenSets(tokenizer: tokenizer).successorTasks, prompts: try dataset.batch(tokenText: tokenizer.tokenText),
      reference: try dataset.ablationReference(), numeric: try NumericTokens(tokenizer: tokenizer), promptParams: dataset.resultParams)
  }
}
