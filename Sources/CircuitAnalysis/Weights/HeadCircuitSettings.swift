/// A head's circuit that `HeadCircuitReport` reads out.
public enum HeadCircuit: String, CaseIterable, Sendable {
  /// E'·W_V W_O·W_U: the tokens each token maps to (result kind `weights.ov`).
  case ov
  /// E·W_Q W_Kᵀ·Eᵀ: the key tokens each query token attends to (`weights.qk`).
  case qk
  /// W_pos·W_Q W_Kᵀ·W_posᵀ: the key positions each query position attends to (`weights.qk_pos`).
  case qkPositional = "qk_pos"

  public var kind: String { "weights.\(rawValue)" }
}

/// The settings of `HeadCircuitReport`.
public struct HeadCircuitSettings: Sendable, Equatable {
  public var head: HeadIndex
  public var circuits: [HeadCircuit] = HeadCircuit.allCases
  /// The rows (tokens) of the OV and QK tables. Empty: the `salientCount` tokens whose embedding
  /// the head's circuit amplifies most, ‖E_t·W_V W_O‖ / ‖E_t‖ for OV and ‖E_t·W_Q W_Kᵀ‖ / ‖E_t‖
  /// for QK (MAPS's salient operations).
  public var tokens: [Int] = []
  public var salientCount = 10
  /// The rows (query positions) of the positional table; empty: every position.
  public var positions: [Int] = []
  /// Entries per row.
  public var k = 10
  /// Bottom-k instead of top-k: the tokens a token suppresses, or is least attended from.
  public var smallest = false
  /// TransformerLens's processed weights (`WeightProcessing`) instead of the raw ones.
  public var processed = false
  public var embedding: CircuitEmbedding = .maps(addingTokenEmbedding: false)

  public init(head: HeadIndex) {
    self.head = head
  }

  func validate(_ subject: AnalysisSubject) throws {
    try subject.check(head: head)
    let V = subject.config.vocabularySize, P = subject.config.contextLength
    guard !circuits.isEmpty else { throw AnalysisError.invalidArgument("no circuit asked for; choose among \(HeadCircuit.allCases.map(\.rawValue).joined(separator: ", "))") }
    let longest = circuits == [.qkPositional] ? P : V
    guard k >= 1, k <= longest else { throw AnalysisError.invalidArgument("k must be between 1 and \(longest) (the row length), got \(k)") }
    guard salientCount >= 1, salientCount <= V else { throw AnalysisError.invalidArgument("the salient token count must be between 1 and \(V), got \(salientCount)") }
    for id in tokens { try subject.check(token: id, role: "circuit row") }
    for p in positions where p < 0 || p >= P { throw AnalysisError.positionOutOfRange(position: p, positions: P) }
  }

  var params: [String: JSONValue] {
    [
      "head": .string(head.description), "k": .integer(k), "smallest": .bool(smallest), "processed": .bool(processed),
      "salient_count": .integer(salientCount),
    ].merging(embedding.params) { $1 }
  }
}
