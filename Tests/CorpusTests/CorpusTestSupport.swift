import Corpus

/// Helpers the corpus tests share. They are written independently of the module's own text
/// helpers so that a bug there cannot hide itself.
enum TestText {
  /// The pieces GPT-2's pre-tokenizer would split `text` into, without spaces: words and the
  /// punctuation marks "." and ",". Any other character is returned as its own piece so that a
  /// vocabulary check fails on it.
  static func pieces(_ text: String) -> [String] {
    var result: [String] = []
    var word = ""
    for character in text {
      if character.isLetter || character.isNumber {
        word.append(character)
        continue
      }
      if !word.isEmpty {
        result.append(word)
        word = ""
      }
      if character != " " { result.append(String(character)) }
    }
    if !word.isEmpty { result.append(word) }
    return result
  }

  /// The words of `text`, without punctuation.
  static func words(_ text: String) -> [String] {
    pieces(text).filter { $0 != "." && $0 != "," }
  }

  static let names = Set(Lexicon.names)
  static let places = Set(Lexicon.places)
  static let objects = Set(Lexicon.objects)
  static let vocabulary = Set(Lexicon.allWords)

  /// The names of `text`, in order.
  static func names(in text: String) -> [String] {
    words(text).filter { names.contains($0) }
  }

  /// `text` with every name replaced by "N", place by "P" and object by "O", pieces joined by
  /// single spaces: two sentences with the same skeleton come from the same template.
  static func skeleton(_ text: String) -> String {
    pieces(text).map { piece -> String in
      if names.contains(piece) { return "N" }
      if places.contains(piece) { return "P" }
      if objects.contains(piece) { return "O" }
      return piece
    }.joined(separator: " ")
  }

  /// How many times `word` occurs as a whole word in `text` (" Sara" is not in " Sarah").
  static func count(_ word: String, in text: String) -> Int {
    words(text).filter { $0 == word }.count
  }

  /// The 64-bit FNV-1a hash of the UTF-8 bytes of `text`.
  static func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
  }
}
