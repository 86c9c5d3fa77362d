/// Successor documents: one to five segments, each a run of consecutive items of one
/// `SuccessorKind` (Gould et al.'s eight token sets, papers.md section 2).
///
/// A segment is a bare list in the kind's usual surface form (" 17 18 19 20", " Monday, Tuesday,
/// Wednesday"; the form the evaluation prompts use), a list after a few words ("We counted one
/// two three."), or a sentence frame ("It rained in January, then in February."). Days and
/// months wrap (Sunday -> Monday, December -> January); numbers stay within 1...200.
/// A document that starts with a bare list starts with the space of its first item, so that
/// BOS + " 17 18 19" in training matches the prompts exactly.
enum SuccessorDocument {
  /// Relative frequency of each kind, in `SuccessorKind.allCases` order: digits, number words,
  /// ordinals, days, short days, months, short months, letters.
  static let kindWeights: [Double] = [3, 1, 1, 1.5, 1, 1.5, 1, 1.5]

  static let leadIns: [String] = [
    "We counted", "She said", "He wrote", "They read", "Then came", "The list was", "We said",
    "She wrote down",
  ]

  static func make(rng: inout CorpusRandom) -> String {
    let target = rng.int(in: 20...44)
    var text = ""
    var segments = 0
    var attempts = 0
    while segments < 5 && attempts < 12 {
      attempts += 1
      let piece = segment(first: segments == 0, rng: &rng)
      let candidate = segments == 0 ? piece : text + piece
      if CorpusText.approximateTokenCount(candidate) > CorpusGenerator.maximumTokens { continue }
      text = candidate
      segments += 1
      if CorpusText.approximateTokenCount(text) >= target { break }
    }
    return text
  }

  /// One segment, ending with a full stop. A bare list keeps the space of its first item; other
  /// segments begin with a space unless they start the document.
  static func segment(first: Bool, rng: inout CorpusRandom) -> String {
    let kind = SuccessorKind.allCases[rng.weightedIndex(kindWeights)]
    let roll = rng.unit()
    if roll < (first ? 0.45 : 0.4) {
      let run = randomRun(kind, count: rng.int(in: 3...12), rng: &rng)
      return (rng.chance(0.75) ? kind.listText(run) : alternateListText(kind, run)) + "."
    }
    let sentence: String
    if roll < 0.6 {
      let run = randomRun(kind, count: rng.int(in: 3...10), rng: &rng)
      sentence = rng.pick(leadIns) + kind.listText(run) + "."
    } else {
      let frame = rng.pick(SuccessorFrame.frames(for: kind))
      let run = randomRun(kind, count: rng.int(in: 2...frame.maximumItems), rng: &rng)
      sentence = frame.sentence(run, rng: &rng)
    }
    return first ? sentence : " " + sentence
  }

  /// The run with the other separator: spaces for comma kinds, commas for the rest.
  static func alternateListText(_ kind: SuccessorKind, _ run: [String]) -> String {
    " " + run.joined(separator: kind.usesCommas ? " " : ", ")
  }

  /// `count` consecutive items of `kind` (at most one full cycle) from a random start. Numbers
  /// start in 1...60 a third of the time (small numbers are the most common in text) and never
  /// pass 200; cyclic kinds may wrap.
  ///
  /// Runs are long enough (up to 12 items in a bare list) that a list of 3-5 items far more
  /// often continues than stops: with runs of at most 8, a model unsure between neighbouring
  /// numbers predicts the full stop.
  static func randomRun(_ kind: SuccessorKind, count: Int, rng: inout CorpusRandom) -> [String] {
    let size = kind.items.count
    let count = min(count, size)
    let start: Int
    if kind.wraps {
      start = rng.below(size)
    } else if kind == .digits && rng.chance(1.0 / 3) {
      start = rng.int(in: 0...min(59, size - count))
    } else {
      start = rng.int(in: 0...(size - count))
    }
    return kind.run(from: start, count: count)
  }
}
