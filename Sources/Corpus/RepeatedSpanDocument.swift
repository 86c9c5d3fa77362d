/// Repeated-span documents: a random sequence of 5-15 words, shown two or three times
/// ("I said river blue Mary cold park. river blue Mary cold park.").
///
/// Predicting the second copy is possible only by copying from the first, which is what
/// induction heads do: attend to the token after the previous occurrence of the current token
/// and copy it. Induction heads are also part of the IOI circuit (Wang et al., papers.md section
/// 3: at S2 they attend to S1+1), so names are among the words. A short lead-in makes the first
/// copy's first word carry its leading space like every other word of the span, so the copies
/// are token-for-token identical.
enum RepeatedSpanDocument {
  static let leadIns: [String] = [
    "I said", "She read", "He wrote", "We heard", "They said", "The words were", "Say it again",
    "Read this", "Listen",
  ]

  /// Separators between copies.
  static let separators: [String] = [". ", ". ", ", ", " "]

  /// The words a span draws from: the common words (so that even the rarest, such as the
  /// sentence starters of the held-out IOI templates, occur in training text), names, places and
  /// objects.
  static let pool: [String] = Lexicon.commonWords + Lexicon.names + Lexicon.places + Lexicon.objects

  static func make(rng: inout CorpusRandom) -> String {
    let length = rng.int(in: 5...15)
    // Three copies when two would be short, two when three would be too long.
    let copies: Int
    if length <= 7 {
      copies = 3
    } else if length >= 13 {
      copies = 2
    } else {
      copies = rng.chance(0.5) ? 2 : 3
    }
    let words = rng.distinctIndices(length, below: pool.count).map { pool[$0] }
    let span = words.joined(separator: " ")
    let separator = rng.pick(separators)
    var text = rng.pick(leadIns) + " " + span
    for _ in 1..<copies {
      text += separator + span
    }
    return text + "."
  }
}
