/// The settings of the MAPS relation scores (`MAPSScores`; Elhelo & Geva 2025, arXiv 2412.11965).
public struct MAPSSettings: Sendable, Equatable {
  /// The top k; nil: the paper's rule for GPT-2, 1 for a copying relation and 10 otherwise.
  public var topK: Int? = nil
  /// The fewest valid pairs a relation should have (the paper's 30). A relation with fewer is
  /// still scored, with `below_minimum` set and a warning in `params`, unless `strictMinimum`.
  public var minimumPairs = 30
  /// Throw instead of flagging a relation below the minimum.
  public var strictMinimum = false
  /// E' = W_E at layer 0 and the effective embedding after it (MAPS); off: the effective
  /// embedding at every layer (Analyses I).
  public var rawEmbeddingAtLayerZero = true
  /// E' adds the token embedding (MLP0(LN2_0(W_E)) + W_E).
  public var addingTokenEmbedding = false
  /// Vocabulary columns read per block.
  public var blockColumns = VocabularyRanks.defaultBlockColumns
  /// Also compute the dynamic score (forward passes on `templates`).
  public var dynamic = false
  /// The dynamic score's prompts: "<X>" marks the source word (MAPS's four templates).
  public var templates = ["No <X> means no", "The story of <X> contains", "This is a document about <X>", "When I think about <X> I think about"]
  /// The dynamic prompts start with BOS (HeadLab's convention; MAPS's Hugging Face tokenizer adds none).
  public var prependBOS = true

  public init() {}

  /// The top k for `relation`.
  func k(for relation: TokenRelation) -> Int { topK ?? (relation.isCopying ? 1 : 10) }

  func validate(vocabulary: Int) throws {
    if let topK, topK < 1 || topK > vocabulary {
      throw AnalysisError.invalidArgument("MAPS top k must be between 1 and the vocabulary size \(vocabulary), got \(topK)")
    }
    guard minimumPairs >= 1 else { throw AnalysisError.invalidArgument("the minimum pair count must be at least 1, got \(minimumPairs)") }
    guard blockColumns >= 1 else { throw AnalysisError.invalidArgument("the vocabulary block must hold at least 1 column, got \(blockColumns)") }
    if dynamic {
      guard !templates.isEmpty else { throw AnalysisError.invalidArgument("the dynamic score needs at least one template") }
      for t in templates where t.components(separatedBy: "<X>").count != 2 {
        throw AnalysisError.invalidArgument("the dynamic-score template \(t.debugDescription) must contain <X> exactly once")
      }
    }
  }

  var params: [String: JSONValue] {
    var out: [String: JSONValue] = [
      "minimum_pairs": .integer(minimumPairs),
      "effective_embedding": .string(HeadSpaceVectors.description(addingTokenEmbedding: addingTokenEmbedding, rawEmbeddingAtLayerZero: rawEmbeddingAtLayerZero)),
      "adds_token_embedding": .bool(addingTokenEmbedding), "raw_embedding_at_layer_zero": .bool(rawEmbeddingAtLayerZero),
      "top_k_rule": .string(topK == nil ? "1 for a copying relation (every pair maps a token to itself), 10 otherwise (MAPS, GPT-2)" : "given"),
    ]
    if dynamic {
      out["templates"] = .strings(templates)
      out["prepend_bos"] = .bool(prependBOS)
    }
    return out
  }
}
