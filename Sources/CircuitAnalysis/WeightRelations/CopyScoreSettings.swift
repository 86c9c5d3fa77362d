/// The settings of the copy and negative-copy scores over a token set (`TokenSetCopyScores`).
public struct CopyScoreSettings: Sendable, Equatable {
  /// What a token's logits are ranked among.
  public enum Scope: String, Sendable, CaseIterable {
    /// The tokens of the set (Analyses I; Wang et al. 2023's top 5 over N names).
    case withinSet = "within_set"
    /// The whole vocabulary: token t counts when it is in the top k of its full OV row
    /// E'[t]·W_V W_O·W_U (MAPS's name-copying test with k = 5).
    case fullVocabulary = "full_vocabulary"
  }

  public var scope = Scope.withinSet
  /// The top k (5 in Wang et al.).
  public var topK = 5
  /// E' = W_E at layer 0 (MAPS) instead of the effective embedding at every layer (Analyses I).
  public var rawEmbeddingAtLayerZero = false
  /// E' adds the token embedding (MLP0(LN2_0(W_E)) + W_E).
  public var addingTokenEmbedding = false
  /// Vocabulary columns read per block in the full-vocabulary scope.
  public var blockColumns = VocabularyRanks.defaultBlockColumns

  public init(scope: Scope = .withinSet, topK: Int = 5) {
    self.scope = scope
    self.topK = topK
  }

  func validate(setSize: Int, vocabulary: Int) throws {
    let limit = scope == .withinSet ? setSize : vocabulary
    guard topK >= 1, topK <= limit else {
      throw AnalysisError.invalidArgument("copy-score k must be between 1 and \(limit) (the \(scope == .withinSet ? "set" : "vocabulary") size), got \(topK)")
    }
    guard blockColumns >= 1 else { throw AnalysisError.invalidArgument("the vocabulary block must hold at least 1 column, got \(blockColumns)") }
  }

  var params: [String: JSONValue] {
    [
      "scope": .string(scope.rawValue), "top_k": .integer(topK),
      "effective_embedding": .string(HeadSpaceVectors.description(addingTokenEmbedding: addingTokenEmbedding, rawEmbeddingAtLayerZero: rawEmbeddingAtLayerZero)),
      "adds_token_embedding": .bool(addingTokenEmbedding), "raw_embedding_at_layer_zero": .bool(rawEmbeddingAtLayerZero),
    ]
  }
}
