import Foundation
import TransformerEngine

/// Copy and negative-copy scores of every head over any token set (Wang et al. 2023, name movers;
/// McDougall et al. 2023, copy suppression; papers.md section 9): token t succeeds when it is in
/// the top k of its own OV row E'[t]·W_V W_O·W_U, ranked within the set (Analyses I, `CopyScore`)
/// or against the whole vocabulary (`VocabularyRanks`, blocked); "in the top k" means fewer than k
/// tokens have a strictly larger logit. The negative copy score ranks −OV.
public enum TokenSetCopyScores {
  /// Returns `weights.copy` and `weights.negative_copy`, each [layer, head]: the fraction of the
  /// set that succeeds. `setName` describes the set in `params` (e.g. "single-token names").
  /// `progress` counts layers; cancelling throws `AnalysisError.cancelled`.
  public static func run(
    subject: AnalysisSubject, tokens: [Int], setName: String, settings: CopyScoreSettings = CopyScoreSettings(),
    progress: AnalysisProgress = .none
  ) throws -> [AnalysisResult] {
    let start = DispatchTime.now()
    let L = subject.layers, NH = subject.heads
    try settings.validate(setSize: tokens.count, vocabulary: subject.config.vocabularySize)
    progress.start(total: L)
    let scores: (copy: [Double], negative: [Double])
    switch settings.scope {
    case .withinSet:
      scores = try CopyScore.compute(
        subject, tokens: tokens, k: settings.topK, addingTokenEmbedding: settings.addingTokenEmbedding,
        rawEmbeddingAtLayerZero: settings.rawEmbeddingAtLayerZero, progress: progress)
    case .fullVocabulary:
      scores = try fullVocabulary(subject, tokens: tokens, settings: settings, progress: progress)
    }
    var params = settings.params
    params["tokens"] = .integers(tokens)
    params["token_set"] = .string(setName)
    params["method"] = "OV copy score (Wang et al. 2023; negative: McDougall et al. 2023): t succeeds when fewer than top_k tokens have a strictly larger logit in its row E'[t] W_V W_O W_U (negative: -OV), no biases, no final LayerNorm"
    let elapsed = elapsedMilliseconds(since: start)
    return [("weights.copy", scores.copy), ("weights.negative_copy", scores.negative)].map { kind, values in
      var result = AnalysisResult(kind: kind, axes: [.layers(L), .heads(NH)], values: ResultGrid(shape: [L, NH], numbers: values),
                                  params: params, model: subject.identity, elapsedMs: elapsed)
      result.count = tokens.count
      return result
    }
  }

  /// Copy and negative-copy scores against the full vocabulary, each [L * NH].
  static func fullVocabulary(_ subject: AnalysisSubject, tokens: [Int], settings: CopyScoreSettings, progress: AnalysisProgress) throws -> (copy: [Double], negative: [Double]) {
    guard !tokens.isEmpty else { throw AnalysisError.emptyDataset("no tokens to compute copy scores on") }
    guard Set(tokens).count == tokens.count else { throw AnalysisError.invalidArgument("the copy-score token set lists a token twice") }
    for id in tokens { try subject.check(token: id, role: "copy-score") }
    let hits = try HeadVocabularyHits.staticMap(
      subject, sources: tokens, targets: tokens, k: settings.topK, addingTokenEmbedding: settings.addingTokenEmbedding,
      rawEmbeddingAtLayerZero: settings.rawEmbeddingAtLayerZero, blockColumns: settings.blockColumns, progress: progress)
    let n = Double(tokens.count)
    return (hits.hits.map { Double($0) / n }, hits.suppression.map { Double($0) / n })
  }
}
