/// The interventions active when the session was saved, as plain data the executor turns back
/// into hooks. An object rather than a list, so that later kinds (patches, steering) arrive as new
/// fields in a minor version.
public struct SessionInterventions: Codable, Equatable, Sendable {
  public var ablations: [SessionAblation]

  public init(ablations: [SessionAblation] = []) { self.ablations = ablations }
}

/// One ablated head and what replaces its output (`AblationMode`): `zero`, `mean` over a named
/// reference, or `resample` from it with a seed. `ablate HEADS` adds them, `unablate` removes them.
public struct SessionAblation: Codable, Equatable, Sendable, CustomStringConvertible {
  public var layer: Int
  public var head: Int
  /// `zero`, `mean` or `resample`.
  public var mode: String
  /// The reference prompts of `mean` and `resample`: a dataset name (`ioi`, …) or a JSONL file.
  public var reference: String?
  /// The seed the reference dataset was drawn with (and of `resample`'s draw).
  public var seed: UInt64?
  /// How many reference prompts were drawn (absent: `SessionAblation.defaultReferenceCount`).
  public var count: Int?
  /// The positions ablated; absent means every position.
  public var positions: [Int]?

  public init(layer: Int, head: Int, mode: String, reference: String? = nil, seed: UInt64? = nil, count: Int? = nil, positions: [Int]? = nil) {
    self.layer = layer
    self.head = head
    self.mode = mode
    self.reference = reference
    self.seed = seed
    self.count = count
    self.positions = positions
  }

  /// How many reference prompts `ablate` draws when `count=` is not given.
  public static let defaultReferenceCount = 200

  /// `2.1 zero`, `2.1 mean over ioi (200 prompts, seed 0) at positions 3,4`.
  public var description: String {
    var text = "\(layer).\(head) \(mode)"
    if let reference { text += " over \(reference) (\(count ?? Self.defaultReferenceCount) prompts, seed \(seed ?? 0))" }
    if let positions { text += " at position\(positions.count == 1 ? "" : "s") \(positions.map(String.init).joined(separator: ","))" }
    return text
  }
}
