import TransformerEngine

/// For every head, how many (source, target) pairs have the target in the top k of the source's
/// row of the head's static vocabulary map M = E'·W_V W_O·W_U over the whole vocabulary, and of −M
/// (MAPS, Elhelo & Geva 2025: the static relation score; with target = source, the copy score).
enum HeadVocabularyHits {
  /// Hits and suppression hits, each [L * NH]. `progress` advances once per layer.
  static func staticMap(
    _ subject: AnalysisSubject, sources: [Int], targets: [Int], k: Int, addingTokenEmbedding: Bool,
    rawEmbeddingAtLayerZero: Bool, blockColumns: Int, progress: AnalysisProgress
  ) throws -> (hits: [Int], suppression: [Int]) {
    let L = subject.layers, NH = subject.heads
    let vectors = try HeadSpaceVectors(subject.model, sources: sources, addingTokenEmbedding: addingTokenEmbedding, rawEmbeddingAtLayerZero: rawEmbeddingAtLayerZero)
    let ranks = VocabularyRanks(model: subject.model, k: k, blockColumns: blockColumns)
    var hits = [Int](repeating: 0, count: L * NH), suppression = hits
    for l in 0..<L {
      if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: L) }
      let all = vectors.layer(l)  // [R, C]
      let counts = ranks.counts(layer: l, heads: (0..<NH).map { ($0, vectors.head($0, of: all), targets) })
      for (h, c) in counts.enumerated() {
        hits[l * NH + h] = c.hits(k: k)
        suppression[l * NH + h] = c.suppressionHits(k: k)
      }
      progress.advance()
    }
    return (hits, suppression)
  }
}
