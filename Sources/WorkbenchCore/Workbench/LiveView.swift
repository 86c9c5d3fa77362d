import CircuitAnalysis
import TransformerEngine

/// What the workbench shows live for the current prompt: one forward pass under the active
/// interventions, and (when any are active) one without them for the diff view.
public struct LiveView: Sendable {
  /// One next-token candidate.
  public struct Candidate: Sendable, Equatable {
    public let token: String
    public let probability: Double
  }

  /// The prompt's token ids and their texts, [T].
  public let tokens: [Int]
  public let tokenTexts: [String]
  public let layers: Int
  public let heads: Int
  /// Attention patterns under the interventions, [L, NH, T(dest), T(src)] flattened.
  public let patterns: [Float]
  /// The same without interventions, or nil when none are active.
  public let patternsWithoutInterventions: [Float]?
  /// The top next tokens after each position, [T][k].
  public let topK: [[Candidate]]
  /// The metric at the last position with the answer tokens, when they are set.
  public let metric: Double?
  /// The metric without interventions, when any are active and the answer is set.
  public let metricWithoutInterventions: Double?
  /// The metric's name (`logit_diff`, ...).
  public let metricName: String
  /// The answer's rank per layer by the logit lens at the last position, [L + 1] (before each
  /// block, then after the last), when the answer is set.
  public let answerRanks: [Int]?

  public var count: Int { tokens.count }

  /// The attention of head (layer, head) from destination `dest` to source `src`.
  public func attention(layer: Int, head: Int, dest: Int, src: Int, withoutInterventions: Bool = false) -> Float {
    let T = tokens.count
    let values = withoutInterventions ? (patternsWithoutInterventions ?? patterns) : patterns
    return values[((layer * heads + head) * T + dest) * T + src]
  }
}
