import TransformerEngine
import Tokenizers

/// The workloads of issue 16's speed bar for the copy and MAPS scores, for a `headlab bench
/// weights` command: the caller times each and reads its peak memory (one workload per process
/// gives each its own peak).
public enum WeightRelationsBenchmark {
  /// `count` distinct token ids drawn from the vocabulary by SplitMix64(`seed`), sorted.
  public static func tokens(count: Int, vocabulary: Int, seed: UInt64 = 0) throws -> [Int] {
    guard count >= 1, count <= vocabulary else { throw AnalysisError.invalidArgument("cannot draw \(count) distinct tokens from a vocabulary of \(vocabulary)") }
    var rng = SplitMix64(seed: seed)
    var chosen = Set<Int>()
    while chosen.count < count { chosen.insert(Int(rng.next() % UInt64(vocabulary))) }
    return chosen.sorted()
  }

  /// Copy and negative-copy scores of every head over `count` (2,000) seeded tokens, top `topK`
  /// (5) of each token's full-vocabulary OV row. A `topK` of half the vocabulary keeps every row
  /// to the last block: the worst case, a model whose every head copies.
  public static func copyScores(subject: AnalysisSubject, count: Int = 2000, seed: UInt64 = 0, topK: Int = 5) throws -> [AnalysisResult] {
    let tokens = try tokens(count: count, vocabulary: subject.config.vocabularySize, seed: seed)
    return try TokenSetCopyScores.run(
      subject: subject, tokens: tokens, setName: "\(count) tokens drawn by SplitMix64(\(seed))",
      settings: CopyScoreSettings(scope: .fullVocabulary, topK: topK))
  }

  /// One MAPS relation's static scores (the built-in `relation`, "successor" by default).
  public static func mapsRelation(subject: AnalysisSubject, tokenizer: BPETokenizer, relation: String = "successor") throws -> [AnalysisResult] {
    try MAPSScores.run(subject: subject, relation: TokenRelation.builtIn(relation, tokenizer: tokenizer))
  }
}
