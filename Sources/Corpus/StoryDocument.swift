/// Short stories: an opening, a few middle sentences and an ending, drawn from
/// `StoryPatterns`, about two or three named characters.
///
/// Stories give names a life outside the IOI sentences: they are reused, replaced by he/she/they
/// and him/her, and appear as subjects and objects of many verbs. The reference run found more
/// stories to be one way to make the model "a model of names rather than of templates"
/// (default-model.md).
enum StoryDocument {
  /// The story's cast and the words fixed for the whole story.
  struct Cast {
    var names: [String]
    var mentioned: [Bool]
    var values: [String: String]

    /// Draws three distinct names and the story's fixed words. `values` is only looked up, never
    /// iterated, so the output does not depend on hashing order.
    init(rng: inout CorpusRandom) {
      names = IOIDocument.pickNames(3, excluding: [], rng: &rng)
      mentioned = [false, false, false]
      let places = rng.distinctIndices(2, below: Lexicon.places.count).map { Lexicon.places[$0] }
      let objects = rng.distinctIndices(2, below: Lexicon.objects.count).map { Lexicon.objects[$0] }
      values = [
        "P": places[0], "P2": places[1], "O": objects[0], "O2": objects[1],
        "D": rng.pick(Lexicon.days), "M": rng.pick(Lexicon.months),
        "N": String(rng.int(in: 5...80)), "NW": Lexicon.numberWords[rng.int(in: 1...9)],
      ]
    }

    func isFemale(_ index: Int) -> Bool { Lexicon.isFemale(names[index]) }
  }

  static func make(rng: inout CorpusRandom) -> String {
    var cast = Cast(rng: &rng)
    var sentences = [render(rng.pick(StoryPatterns.openings), cast: &cast, rng: &rng)]
    let target = rng.int(in: 24...46)
    let endingReserve = 11
    var used: [Int] = []
    var attempts = 0
    while attempts < 12 && tokens(sentences) < target {
      attempts += 1
      let index = rng.below(StoryPatterns.middles.count)
      if used.contains(index) { continue }
      var trial = cast
      let sentence = render(StoryPatterns.middles[index], cast: &trial, rng: &rng)
      if tokens(sentences + [sentence]) + endingReserve > CorpusGenerator.maximumTokens { break }
      sentences.append(sentence)
      used.append(index)
      cast = trial
    }
    for _ in 0..<4 {
      var trial = cast
      let ending = render(rng.pick(StoryPatterns.endings), cast: &trial, rng: &rng)
      if tokens(sentences + [ending]) <= CorpusGenerator.maximumTokens {
        sentences.append(ending)
        break
      }
    }
    return sentences.joined(separator: " ")
  }

  private static func tokens(_ sentences: [String]) -> Int {
    sentences.reduce(0) { $0 + CorpusText.approximateTokenCount($1) }
  }

  /// The pattern with its slots filled, first letter capitalised.
  static func render(_ pattern: String, cast: inout Cast, rng: inout CorpusRandom) -> String {
    var output = ""
    var rest = Substring(pattern)
    while let open = rest.firstIndex(of: "{") {
      output += rest[..<open]
      guard let close = rest[open...].firstIndex(of: "}") else { break }
      let key = String(rest[rest.index(after: open)..<close])
      output += fill(key, cast: &cast, rng: &rng)
      rest = rest[rest.index(after: close)...]
    }
    output += rest
    return CorpusText.capitalizingFirst(output)
  }

  /// The words for one slot.
  private static func fill(_ key: String, cast: inout Cast, rng: inout CorpusRandom) -> String {
    if let value = cast.values[key] { return value }
    if key == "AB" {
      if cast.mentioned[0] && cast.mentioned[1] && rng.chance(0.65) { return "they" }
      cast.mentioned[0] = true
      cast.mentioned[1] = true
      return cast.names[0] + " and " + cast.names[1]
    }
    let parts = key.split(separator: ".")
    guard let letter = parts.first, let who = ["A", "B", "C"].firstIndex(of: String(letter)) else {
      preconditionFailure("unknown story slot {\(key)}")
    }
    let role = parts.count > 1 ? String(parts[1]) : "subject"
    let female = cast.isFemale(who)
    if role == "his" {
      // Possessives follow a mention of the same character; without one, fall back to "the".
      return cast.mentioned[who] ? (female ? "her" : "his") : "the"
    }
    if usePronoun(who, cast: cast, rng: &rng) {
      if role == "obj" { return female ? "her" : "him" }
      return female ? "she" : "he"
    }
    cast.mentioned[who] = true
    return cast.names[who]
  }

  /// A character already named is referred to by pronoun about half the time, less often when
  /// another named character shares the pronoun.
  private static func usePronoun(_ who: Int, cast: Cast, rng: inout CorpusRandom) -> Bool {
    guard cast.mentioned[who] else { return false }
    let ambiguous = (0..<cast.names.count).contains { other in
      other != who && cast.mentioned[other] && cast.isFemale(other) == cast.isFemale(who)
    }
    return rng.chance(ambiguous ? 0.3 : 0.55)
  }
}
