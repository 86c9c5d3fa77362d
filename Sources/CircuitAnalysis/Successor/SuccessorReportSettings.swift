/// The settings of the successor-head report (`SuccessorReport`). The defaults are HeadLab's:
/// the successor-heads paper (Gould et al. 2024) fixes no prompt count or probe regulariser.
public struct SuccessorReportSettings: Sendable, Equatable {
  /// Successor prompts the best head is ablated on (`SuccessorDataset`).
  public var count = 100
  /// Seeds the successor prompts and the label shuffles.
  public var seed: UInt64 = 0
  /// Items shown before the answer in each successor prompt.
  public var runLength = 3
  /// The mod-10 probe's ridge strength α (λ = α · mean eigenvalue of the centred Gram matrix;
  /// `RidgeProbe`).
  public var ridgeAlpha = 0.1
  /// How many seeded label shuffles the probe is also trained on.
  public var shuffles = 20
  /// Whether E' adds the token embedding (E' + W_E; MAPS's residual-stream variant) in the
  /// succession score and the probe's features. Off: circuits-over-time's MLP0 output alone.
  public var addingTokenEmbedding = false

  public init() {}

  func validate() throws {
    guard count >= 1 else { throw AnalysisError.invalidArgument("the successor report needs at least 1 prompt, got \(count)") }
    guard ridgeAlpha > 0, ridgeAlpha.isFinite else { throw AnalysisError.invalidArgument("the probe's ridge α must be positive, got \(ridgeAlpha)") }
    guard shuffles >= 1 else { throw AnalysisError.invalidArgument("the probe needs at least 1 label shuffle, got \(shuffles)") }
  }

  var params: [String: JSONValue] {
    [
      "count": .integer(count), "seed": .integer(Int(truncatingIfNeeded: seed)), "run_length": .integer(runLength),
      "ridge_alpha": .number(ridgeAlpha), "shuffles": .integer(shuffles), "adding_token_embedding": .bool(addingTokenEmbedding),
    ]
  }
}
