/// Successor documents: one to five segments, each a run of consecutive items of one
/// `SuccessorKind` (Gould et al.'s eight token sets, papers.md section 2).
///
/// A segment is a bare list (" 17 18 19 20", "Monday, Tuesday, Wednesday", "one\ntwo\nthree"), a
/// column under a heading, a list after a few words ("We counted one two three."), a run of
/// phrases ("page 12, page 13, then page 14"; `SuccessorPhrases`) or a sentence frame ("It rained
/// in January, then in February."). Separators, leading spaces and capitals
/// vary (`SuccessorSurface`), so that succession is learnt on the items rather than on one surface
/// form. Days and months wrap (Sunday -> Monday, December -> January); numbers stay within
/// 1...200.
enum SuccessorDocument {
  /// Relative frequency of each kind, in `SuccessorKind.allCases` order: digits, number words,
  /// ordinals, days, short days, months, short months, letters.
  static let kindWeights: [Double] = [3, 1, 1, 1.5, 1, 1.5, 1, 1.5]

  static let leadIns: [String] = [
    "We counted", "She said", "He wrote", "They read", "Then came", "The list was", "We said",
    "She wrote down", "He called out", "They sang", "The sign read", "We played",
    "The book had", "She looked at", "He said it again", "The board showed", "We heard", "They counted",
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

  /// One segment, ending with a full stop. `first` says the segment starts the document; later
  /// segments start with a space or a newline. Forms: a bare list in any `SuccessorSurface`
  /// separator, a column under a heading ("Days:\nMonday\nTuesday."), a list after a few words
  /// ("We counted one, two and three."), or a sentence frame ("It rained in January, then in
  /// February.").
  static func segment(first: Bool, rng: inout CorpusRandom) -> String {
    let kind = SuccessorKind.allCases[rng.weightedIndex(kindWeights)]
    let roll = rng.unit()
    let newLine = !first && rng.chance(0.35)
    let opening = first ? "" : (newLine ? "\n" : " ")
    if roll < 0.4 {
      // A bare list; at the start of the text or a line it has no leading space half the time.
      let run = randomRun(kind, count: rng.int(in: 3...12), rng: &rng)
      let atLineStart = first ? rng.chance(0.5) : newLine
      let separator = SuccessorSurface.separator(rng: &rng)
      let list = SuccessorSurface.list(run, separator: separator, atLineStart: atLineStart, rng: &rng)
      return (newLine ? "\n" : "") + list + "."
    }
    if roll < 0.5 {
      let run = randomRun(kind, count: rng.int(in: 3...8), rng: &rng)
      let list = SuccessorSurface.list(run, separator: "\n", atLineStart: true, rng: &rng)
      return opening + rng.pick(SuccessorSurface.headings) + ":\n" + list + "."
    }
    let sentence: String
    if roll < 0.7 {
      let run = randomRun(kind, count: rng.int(in: 3...10), rng: &rng)
      var separator = SuccessorSurface.separator(rng: &rng)
      if separator == "\n" { separator = ", " }
      var list = SuccessorSurface.list(run, separator: separator, atLineStart: false, rng: &rng)
      if separator == ", " && rng.chance(0.3), let last = list.range(of: ", ", options: .backwards) {
        list.replaceSubrange(last, with: rng.chance(0.5) ? " and " : ", and ")
      }
      sentence = rng.pick(leadIns) + list + "."
    } else if roll < 0.85 {
      let run = randomRun(kind, count: rng.int(in: 2...6), rng: &rng)
      sentence = SuccessorPhrases.sentence(kind, run, rng: &rng)
    } else {
      let frame = rng.pick(SuccessorFrame.frames(for: kind))
      let run = randomRun(kind, count: rng.int(in: 2...frame.maximumItems), rng: &rng)
      sentence = frame.sentence(run, rng: &rng)
    }
    return opening + sentence
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
