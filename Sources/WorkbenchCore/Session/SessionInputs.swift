/// What the analyses of a session run on: the current prompt, the clean/corrupted pair, the answer
/// and wrong tokens of the metric, and the dataset (name, seed, count). Every field is optional:
/// a session starts empty and the commands fill it.
public struct SessionInputs: Codable, Equatable, Sendable {
  public var prompt: String?
  public var clean: String?
  public var corrupted: String?
  /// The correct answer token's text, e.g. " Mary".
  public var answer: String?
  /// The wrong token's text for logit difference, e.g. " John".
  public var wrong: String?
  /// The metric name (`logit_diff`, `logprob`, ...).
  public var metric: String?
  public var dataset: SessionDataset?

  public init(
    prompt: String? = nil, clean: String? = nil, corrupted: String? = nil, answer: String? = nil, wrong: String? = nil,
    metric: String? = nil, dataset: SessionDataset? = nil
  ) {
    self.prompt = prompt
    self.clean = clean
    self.corrupted = corrupted
    self.answer = answer
    self.wrong = wrong
    self.metric = metric
    self.dataset = dataset
  }
}

/// A generated dataset: its name (`ioi`, `induction`, ...), the seed it was drawn with and how many
/// prompts; the same three give the same prompts again.
public struct SessionDataset: Codable, Equatable, Sendable {
  public var name: String
  public var seed: UInt64
  public var count: Int

  public init(name: String, seed: UInt64, count: Int) {
    self.name = name
    self.seed = seed
    self.count = count
  }
}
