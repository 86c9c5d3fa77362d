import Corpus
import Tokenizers

/// Token sets for the copy scores (`TokenSetCopyScores`), from a tokenizer.
public enum CopyTokenSet {
  /// The IOI dataset's names (`Lexicon.names`) that are one token with their leading space,
  /// distinct and sorted (Analyses I's default set).
  public static func names(tokenizer: BPETokenizer) -> [Int] {
    let ids = Lexicon.names.compactMap { name -> Int? in
      let ids = tokenizer.encode(" " + name, prependBOS: false)
      return ids.count == 1 ? ids[0] : nil
    }
    return Array(Set(ids)).sorted()
  }

  /// The tokens of `words`, each taken with a leading space, in order; a word that is not one
  /// token is `AnalysisError.notSingleToken`, and a word listed twice `invalidArgument`.
  public static func tokens(words: [String], tokenizer: BPETokenizer) throws -> [Int] {
    var seen: [Int: String] = [:]
    return try words.map { word in
      let id = try tokenizer.singleToken(" " + word, role: "copy-score token")
      if let earlier = seen[id] { throw AnalysisError.invalidArgument("the copy-score tokens list \(" \(word)".debugDescription) twice (as \(earlier.debugDescription))") }
      seen[id] = word
      return id
    }
  }
}
