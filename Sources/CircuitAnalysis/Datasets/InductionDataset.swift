import Corpus
import Tokenizers

/// Repeated random tokens, the input of induction analyses (Olsson et al. 2022; the ARENA /
/// TransformerLens setup of papers.md section 9): `[BOS] + r + r` with r a sequence of `length`
/// random token ids.
///
/// - clean: `[BOS] + r + r` without its final token, which is the answer: at the last position
///   the current token r[T-2] occurred before, and an induction head predicts the token after
///   that occurrence, r[T-1].  [2T]
/// - corrupted: `[BOS] + s + r` likewise cut, with s a fresh sequence, so the second half repeats
///   nothing.  [2T]
/// - wrong: s[T-1], the token at the answer's offset in the fresh half: a token no copy of r
///   contains, so `logit(answer) - logit(wrong)` measures the preference for the induced token.
///
/// r holds `length` distinct ids and s `length` more ids distinct from them and each other, so
/// every second-half token has exactly one earlier occurrence. Ids are drawn uniformly from the
/// tokenizer's vocabulary without its special tokens (`<|endoftext|>`, added tokens).
public struct InductionDataset: Sendable {
  public var count: Int
  public var seed: UInt64
  /// T, the length of one random sequence (at least 2).
  public var length: Int

  public init(count: Int = 10, seed: UInt64 = 0, length: Int = 50) {
    self.count = count
    self.seed = seed
    self.length = length
  }

  public func build(tokenizer: BPETokenizer) throws -> PromptDataset {
    guard count >= 1 else { throw AnalysisError.invalidArgument("an induction dataset needs a count of at least 1, got \(count)") }
    guard length >= 2 else { throw AnalysisError.invalidArgument("an induction sequence needs a length of at least 2, got \(length)") }
    let tokens = try DatasetTokenizer(tokenizer)
    let special = Set(tokenizer.addedTokens.map(\.id) + [tokens.bos])
    let pool = (0..<(tokenizer.vocabularySize + tokenizer.addedTokens.count)).filter {
      tokenizer.vocabularyEntry($0) != nil && !special.contains($0)
    }
    guard pool.count >= 2 * length else {
      throw AnalysisError.invalidArgument("an induction pair of length \(length) needs \(2 * length) distinct ordinary tokens; the tokenizer has \(pool.count)")
    }
    var rng = CorpusRandom(seed: seed ^ 0x494E_4455_4354_494F)  // "INDUCTIO"
    var pairs: [PromptPair] = []
    for _ in 0..<count {
      let drawn = rng.distinctIndices(2 * length, below: pool.count).map { pool[$0] }
      let r = Array(drawn[0..<length])
      let s = Array(drawn[length...])
      let clean = [tokens.bos] + r + r.dropLast()
      let corrupted = [tokens.bos] + s + r.dropLast()
      pairs.append(try PromptPair(
        clean: clean, corrupted: corrupted, answer: r[length - 1], wrong: s[length - 1],
        template: "induction.\(length)", cleanText: tokenizer.decode(Array(clean.dropFirst())),
        corruptedText: tokenizer.decode(Array(corrupted.dropFirst())),
        answerText: tokenizer.tokenText(r[length - 1]), wrongText: tokenizer.tokenText(s[length - 1]),
        tokenText: tokenizer.tokenText))
    }
    let params: [String: JSONValue] = ["seed": .integer(Int(truncatingIfNeeded: seed)), "length": .integer(length)]
    return try PromptDataset(name: "induction", pairs: pairs, filtered: [], params: params)
  }
}
