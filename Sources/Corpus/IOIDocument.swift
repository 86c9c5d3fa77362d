/// IOI documents: one or two complete IOI sentences, each ending with its IO and a full stop.
///
/// Each sentence is either one of Wang et al.'s 15 templates (papers.md section 3) or a composed
/// sentence (`IOIComposer`), in either name order. A second sentence uses two new names, so every
/// name of a document belongs to exactly one sentence and "the name that appeared once" stays
/// well defined.
enum IOIDocument {
  /// The share of sentences that use Wang et al.'s templates rather than composed clauses.
  static let templateShare = 0.4

  /// Documents shorter than this many tokens get a second sentence.
  static let shortDocument = 22

  static func make(rng: inout CorpusRandom) -> String {
    var usedNames: [String] = []
    var text = sentence(excluding: &usedNames, rng: &rng)
    let wantsSecond =
      CorpusText.approximateTokenCount(text) < shortDocument || rng.chance(0.6)
    if wantsSecond {
      for _ in 0..<3 {
        var names = usedNames
        let second = sentence(excluding: &names, rng: &rng)
        let combined = text + " " + second
        if CorpusText.approximateTokenCount(combined) <= CorpusGenerator.maximumTokens {
          text = combined
          usedNames = names
          break
        }
      }
    }
    return text
  }

  /// One IOI sentence with two names not in `usedNames` (which it extends).
  static func sentence(excluding usedNames: inout [String], rng: inout CorpusRandom) -> String {
    let names = pickNames(2, excluding: usedNames, rng: &rng)
    usedNames += names
    let (io, s) = (names[0], names[1])
    let order: IOIOrder = rng.chance(0.5) ? .abba : .baba
    let prompt: String
    if rng.chance(templateShare) {
      let template = IOITemplate.ordered(rng.pick(CorpusGenerator.trainingIOITemplates), order)
      prompt = IOITemplate.fill(
        IOITemplate.promptPart(template), io: io, s: s, place: rng.pick(Lexicon.places),
        object: rng.pick(Lexicon.objects))
    } else {
      prompt = IOIComposer.prompt(io: io, s: s, order: order, rng: &rng)
    }
    return prompt + " " + io + "."
  }

  /// `count` distinct names, none of them in `excluded`.
  static func pickNames(_ count: Int, excluding excluded: [String], rng: inout CorpusRandom)
    -> [String]
  {
    var chosen: [String] = []
    while chosen.count < count {
      let name = rng.pick(Lexicon.names)
      if !chosen.contains(name) && !excluded.contains(name) { chosen.append(name) }
    }
    return chosen
  }
}
