import Corpus
import Tokenizers

extension HeadDetectorInputs {
  /// The inputs every detector reads, built from a tokenizer: `count` sequences of repeated random
  /// tokens [BOS] + r + r with r of `length` tokens (seeded), Gould et al.'s successor token sets,
  /// and the single-token names (with a leading space) for the copy scores.
  public static func standard(
    tokenizer: BPETokenizer, count: Int = 10, seed: UInt64 = 0, length: Int = 25,
    scoring: PatternScoring = PatternScoring(excludeBOS: true), addingTokenEmbedding: Bool = false
  ) throws -> HeadDetectorInputs {
    let induction = try InductionDataset(count: count, seed: seed, length: length).build(tokenizer: tokenizer)
    // The induction dataset's clean prompts stop one token short of [BOS] + r + r: add it back.
    let sequences = induction.pairs.map { $0.clean + [$0.answer] }
    return HeadDetectorInputs(
      sequences: sequences, successorTasks: try SuccessorTokenSets(tokenizer: tokenizer).successorTasks,
      copyTokens: CopyTokenSet.names(tokenizer: tokenizer), scoring: scoring, addingTokenEmbedding: addingTokenEmbedding)
  }
}
