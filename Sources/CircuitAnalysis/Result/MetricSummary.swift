/// The metric a result measures, with its clean and corrupted baselines where it has them
/// (Heimersheim & Nanda 2024: compute the baselines once, from unpatched runs).
public struct MetricSummary: Codable, Equatable, Sendable {
  /// `logit_diff`, `logprob`, `prob`, `loss`, `kl`, `topk_accuracy`, …
  public var name: String
  /// The answer token's text (for logit difference the correct token), when the metric has one.
  public var answer: String?
  /// The wrong token's text, for logit difference.
  public var wrong: String?
  /// The metric on the clean (unpatched) run.
  public var clean: Double?
  /// The metric on the corrupted run.
  public var corrupted: Double?
  /// Whether the values are (patched - corrupted) / (clean - corrupted).
  public var normalised: Bool

  public init(name: String, answer: String? = nil, wrong: String? = nil, clean: Double? = nil, corrupted: Double? = nil, normalised: Bool = false) {
    self.name = name
    self.answer = answer
    self.wrong = wrong
    self.clean = clean
    self.corrupted = corrupted
    self.normalised = normalised
  }
}

/// The model a result was computed on: its name (a directory, a cache name, or `default`) and a
/// SHA-256 over its weight files (see `ModelIdentity.checksum`).
public struct ModelIdentity: Codable, Equatable, Sendable {
  public var name: String
  public var sha256: String

  public init(name: String, sha256: String) {
    self.name = name
    self.sha256 = sha256
  }
}
