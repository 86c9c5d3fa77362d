/// Small text helpers shared by the document builders.
public enum CorpusText {
  /// `text` with its first character upper-cased (ASCII only), for sentence starts.
  public static func capitalizingFirst(_ text: String) -> String {
    guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return text }
    let upper = UnicodeScalar(first.value - 32)!
    return String(Character(upper)) + String(text.unicodeScalars.dropFirst())
  }

  /// `text` with the first letter after every ". " upper-cased, for sentences joined by a full stop.
  static func capitalizingSentences(_ text: String) -> String {
    text.components(separatedBy: ". ").map(capitalizingFirst).joined(separator: ". ")
  }

  /// An estimate of the number of tokens a BPE tokenizer trained on this corpus gives `text`:
  /// one per word (every lexicon word is forced to be a single token and the common words are
  /// frequent enough to be merged whole) and one per punctuation mark or newline, the pieces
  /// GPT-2's pre-tokenizer splits off.
  static func approximateTokenCount(_ text: String) -> Int {
    var count = 0
    var inWord = false
    for scalar in text.unicodeScalars {
      if scalar == " " {
        inWord = false
      } else if !(("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)) {
        count += 1
        inWord = false
      } else if !inWord {
        count += 1
        inWord = true
      }
    }
    return count
  }
}
