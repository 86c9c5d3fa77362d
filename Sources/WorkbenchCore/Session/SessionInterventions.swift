/// The interventions active when the session was saved, as plain data the executor turns back
/// into hooks. An object rather than a list, so that later kinds (patches, steering) arrive as new
/// fields in a minor version.
public struct SessionInterventions: Codable, Equatable, Sendable {
  public var ablations: [SessionAblation]

  public init(ablations: [SessionAblation] = []) { self.ablations = ablations }
}

/// One ablated head and what replaces its output (`AblationMode`): `zero`, `mean` over a named
/// reference, or `resample` from it with a seed.
public struct SessionAblation: Codable, Equatable, Sendable {
  public var layer: Int
  public var head: Int
  /// `zero`, `mean` or `resample`.
  public var mode: String
  /// The reference prompts of `mean` and `resample` (a dataset name and seed, or a file).
  public var reference: String?
  /// The seed of `resample`.
  public var seed: UInt64?

  public init(layer: Int, head: Int, mode: String, reference: String? = nil, seed: UInt64? = nil) {
    self.layer = layer
    self.head = head
    self.mode = mode
    self.reference = reference
    self.seed = seed
  }
}
