/// Runs written as phrases, one per item, with words before or after each item: "page 12, page
/// 13, then page 14", "on Monday, on Tuesday and on Wednesday", "3 cups, 4 cups, then 5 cups".
///
/// `SuccessorFrame` holds fixed sentences; this composes the phrase, the joiners and the lead-in
/// freely, so that a model learns to find the previous item across any words, as successor heads
/// do in natural text (Gould et al., ICLR 2024; papers.md section 2).
enum SuccessorPhrases {
  /// Words that may stand before an item of `kind` ("page 12", "on Monday", "the third").
  static func before(_ kind: SuccessorKind) -> [String] {
    switch kind {
    case .digits: return ["", "page ", "room ", "level ", "step ", "chapter ", "row ", "gate ", "game ", "round ", "lap ", "song ", "day ", "bus ", "seat ", "at "]
    case .numberWords: return ["", "", "step ", "count ", "number ", "song ", "round "]
    case .ordinals: return ["his ", "her ", "my ", "their ", "our "]
    case .days: return ["", "on ", "on ", "every ", "last ", "next ", "by "]
    case .months: return ["", "in ", "in ", "every ", "last ", "next ", "by ", "early in "]
    case .shortDays, .shortMonths: return ["", "", "open ", "on ", "by "]
    case .letters: return ["", "row ", "line ", "box ", "the letter ", "grade ", "block ", "room ", "part "]
    }
  }

  /// Words that may follow an item of `kind` ("5 cups", "third time").
  static func after(_ kind: SuccessorKind) -> [String] {
    switch kind {
    case .digits, .numberWords:
      return ["", "", " times", " books", " cups", " days", " years", " points", " steps", " boxes", " men", " birds", " stars", " coins",
              " fingers", " apples", " hours", " miles", " dogs", " cats", " eggs", " chairs", " trees", " toys"]
    case .ordinals: return ["", " time", " game", " day", " week", " round", " book", " place", " song"]
    case .days: return ["", "", " morning", " night", " evening"]
    case .months: return ["", "", " again", " this year"]
    case .shortDays, .shortMonths, .letters: return [""]
    }
  }

  static let joiners: [String] = [", ", ", then ", " and ", " then ", ", and then ", ", and ", " or ", ", or "]

  static let leadIns: [String] = [
    "", "", "We saw ", "It was ", "They said ", "We got ", "She had ", "He went ", "We went ",
    "It came ", "The list said ", "We counted ", "They played ", "She read ",
  ]

  /// Activities and weather for clauses that change with every item: "we rest on Monday, cook on
  /// Tuesday and paint on Wednesday", "it was windy in March, rainy in April".
  static let activities: [String] = [
    "rest", "cook", "swim", "work", "play", "read", "sing", "run", "walk", "sleep", "shop", "clean",
    "paint", "write", "dance", "fish",
  ]
  static let weather: [String] = ["sunny", "rainy", "windy", "snowy", "cloudy", "cold", "warm", "hot", "wet", "dry"]

  /// The preposition of clauses that change with every item ("rest on Monday"), or nil for kinds
  /// without such clauses.
  static func clausePreposition(_ kind: SuccessorKind) -> String? {
    switch kind {
    case .days, .shortDays: return " on "
    case .months, .shortMonths: return " in "
    case .digits: return " at "
    case .numberWords, .ordinals, .letters: return nil
    }
  }

  /// A sentence carrying `run`, each item in the same phrase (or, a third of the time, in a clause
  /// of its own), ending with a full stop.
  static func sentence(_ kind: SuccessorKind, _ run: [String], rng: inout CorpusRandom) -> String {
    if rng.chance(1.0 / 3), let preposition = clausePreposition(kind) {
      let isWeather = preposition == " in " && rng.chance(0.5)
      var text = isWeather ? "It was " : rng.pick(["We ", "They ", "I ", ""])
      for (index, item) in run.enumerated() {
        if index > 0 { text += index == run.count - 1 ? rng.pick([", and ", " and ", ", then "]) : ", " }
        text += rng.pick(isWeather ? weather : activities) + preposition + item
      }
      return CorpusText.capitalizingFirst(text) + "."
    }
    let (pre, post) = (rng.pick(before(kind)), rng.pick(after(kind)))
    let joiner = rng.pick(joiners)
    let last = rng.chance(0.5) ? joiner : rng.pick(joiners)
    var text = rng.pick(leadIns)
    for (index, item) in run.enumerated() {
      if index > 0 { text += index == run.count - 1 ? last : joiner }
      text += pre + item + post
    }
    return CorpusText.capitalizingFirst(text) + "."
  }
}
