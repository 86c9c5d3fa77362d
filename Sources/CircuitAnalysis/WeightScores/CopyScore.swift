import Foundation
import TransformerEngine

/// OV copy scores (Wang et al. 2023, name movers; McDougall et al. 2023, copy suppression;
/// papers.md section 9): for each token t of a set (single-token names by default), the head's
/// effective OV logits of t (`OVLogits`, E' per `EffectiveEmbedding`) restricted to the set; t
/// succeeds when it is in the top k of its own row, i.e. fewer than k tokens of the set have a
/// strictly larger logit. The copy score is the fraction of the set that succeeds; the negative
/// copy score does the same with -OV. `rawEmbeddingAtLayerZero`: layer 0 reads W_E (MAPS).
enum CopyScore {
  /// Copy and negative-copy scores, each [L * NH].
  static func compute(_ subject: AnalysisSubject, tokens: [Int], k: Int, addingTokenEmbedding: Bool, rawEmbeddingAtLayerZero: Bool = false, progress: AnalysisProgress) throws -> (copy: [Double], negative: [Double]) {
    guard !tokens.isEmpty else { throw AnalysisError.emptyDataset("no tokens to compute copy scores on") }
    guard Set(tokens).count == tokens.count else { throw AnalysisError.invalidArgument("the copy-score token set lists a token twice") }
    guard k >= 1, k <= tokens.count else { throw AnalysisError.invalidArgument("copy-score k must be between 1 and the set size \(tokens.count), got \(k)") }
    for id in tokens { try subject.check(token: id, role: "copy-score") }
    let L = subject.layers, NH = subject.heads, n = tokens.count
    let ov = try OVLogits(subject.model, rows: tokens, columns: tokens, addingTokenEmbedding: addingTokenEmbedding, rawEmbeddingAtLayerZero: rawEmbeddingAtLayerZero)
    var copy = [Double](repeating: 0, count: L * NH), negative = copy
    for l in 0..<L {
      if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: L) }
      for h in 0..<NH {
        let logits = ov.logits(layer: l, head: h)  // [n, n]
        var hits = 0, negativeHits = 0
        for t in 0..<n {
          let own = logits[t * n + t]
          var above = 0, below = 0
          for j in 0..<n {
            let v = logits[t * n + j]
            if v > own { above += 1 } else if v < own { below += 1 }
          }
          if above < k { hits += 1 }
          if below < k { negativeHits += 1 }
        }
        copy[l * NH + h] = Double(hits) / Double(n)
        negative[l * NH + h] = Double(negativeHits) / Double(n)
      }
      progress.advance()
    }
    return (copy, negative)
  }
}
