import Foundation

/// Sentence frames that carry a successor run through ordinary text: "On Monday we worked, on
/// Tuesday it rained, and on Wednesday we rested.", "We read chapter 12, then chapter 13.", "It
/// rained in January, then in February." Successor heads fire on these tokens in natural text
/// as well as in bare lists (Gould et al., papers.md section 2), so the corpus has both.
struct SuccessorFrame {
  /// Text before the first item.
  let lead: String
  /// The text of one item, with "#" where the item goes; may hold "[ACT]", "[ADJ]" or "[NOUN]"
  /// slots, drawn afresh for every item (the "[NOUN]" once per sentence).
  let item: String
  /// The joiner between items but the last pair, and before the last item.
  let joiner: String
  let lastJoiner: String
  /// The largest run the frame takes before the sentence gets too long.
  let maximumItems: Int

  init(
    _ lead: String, _ item: String, _ joiner: String, _ lastJoiner: String, maximumItems: Int = 4
  ) {
    self.lead = lead
    self.item = item
    self.joiner = joiner
    self.lastJoiner = lastJoiner
    self.maximumItems = maximumItems
  }

  /// The frames available for `kind`.
  static func frames(for kind: SuccessorKind) -> [SuccessorFrame] {
    switch kind {
    case .digits:
      return [
        SuccessorFrame("We read ", "chapter #", ", then ", ", then "),
        SuccessorFrame("She read ", "page #", ", ", " and "),
        SuccessorFrame("They walked past ", "room #", ", ", " and "),
        SuccessorFrame("", "on day # we [ACT]", ", ", ", and ", maximumItems: 3),
        SuccessorFrame("He reached ", "level #", ", then ", ", then "),
        SuccessorFrame("We waited at ", "gate #", ", then ", ", then "),
        SuccessorFrame("He ran ", "lap #", ", ", " and "),
        SuccessorFrame("", "at # we [ACT]", ", ", ", and ", maximumItems: 3),
        SuccessorFrame("The kids were ", "#", " and ", " and "),
      ]
    case .numberWords:
      return [
        SuccessorFrame("She counted ", "#", ", ", ", "),
        SuccessorFrame("", "step #", ", ", ", "),
        SuccessorFrame("He said ", "#", ", then ", ", then "),
        SuccessorFrame("We sang ", "song #", ", ", " and "),
        SuccessorFrame("They jumped ", "#", " times, ", " times, then "),
        SuccessorFrame("The clock struck ", "#", ", then ", ", then "),
      ]
    case .ordinals:
      return [
        SuccessorFrame("", "the # day was [ADJ]", ", ", ", and ", maximumItems: 3),
        SuccessorFrame("We played ", "the # [NOUN]", ", ", " and "),
        SuccessorFrame("She came ", "#", ", then ", ", then "),
        SuccessorFrame("It was his ", "# game", ", then his ", ", then his "),
        SuccessorFrame("", "the # time it was [ADJ]", ", ", " and ", maximumItems: 3),
      ]
    case .days:
      return [
        SuccessorFrame("", "on # we [ACT]", ", ", ", and ", maximumItems: 3),
        SuccessorFrame("We met ", "on #", ", ", " and "),
        SuccessorFrame("The shop was open ", "#", ", ", " and "),
        SuccessorFrame("It rained ", "on #", ", then ", ", then "),
        SuccessorFrame("We were busy ", "#", " and ", " and "),
        SuccessorFrame("", "# was [ADJ]", ", ", ", and ", maximumItems: 3),
      ]
    case .shortDays:
      return [
        SuccessorFrame("Open ", "#", ", ", ", "),
        SuccessorFrame("The days read ", "#", " ", " "),
        SuccessorFrame("We work ", "#", " and ", " and "),
        SuccessorFrame("Closed ", "#", ", then ", ", then "),
      ]
    case .months:
      return [
        SuccessorFrame("It rained ", "in #", ", then ", ", then "),
        SuccessorFrame("", "in # it was [ADJ]", ", ", ", and ", maximumItems: 3),
        SuccessorFrame("We went there ", "in #", ", ", " and "),
        SuccessorFrame("The farm was busy ", "in #", " and ", " and "),
        SuccessorFrame("", "# was [ADJ]", ", ", ", and ", maximumItems: 3),
      ]
    case .shortMonths:
      return [
        SuccessorFrame("The dates were ", "#", " ", " "),
        SuccessorFrame("We paid in ", "#", ", ", " and "),
        SuccessorFrame("The list showed ", "#", " then ", " then "),
        SuccessorFrame("Sales were up in ", "#", " and ", " and "),
      ]
    case .letters:
      return [
        SuccessorFrame("We sat in ", "row #", ", ", " and "),
        SuccessorFrame("She wrote ", "#", ", then ", ", then "),
        SuccessorFrame("He read ", "the letter #", ", ", " and "),
        SuccessorFrame("We stood in ", "line #", ", then ", ", then "),
        SuccessorFrame("She typed ", "#", " then ", " then "),
      ]
    }
  }

  static let activities: [String] = [
    "went to the [P]", "worked", "rested", "played", "cooked", "walked", "read a book",
    "went to the [P]",
  ]
  static let adjectives: [String] = [
    "cold", "warm", "hot", "wet", "dry", "nice", "long", "short", "quiet", "busy",
  ]
  static let nouns: [String] = ["game", "round", "book", "week", "song", "race"]

  /// The sentence for `run`, ending with a full stop, first letter capitalised.
  func sentence(_ run: [String], rng: inout CorpusRandom) -> String {
    let noun = rng.pick(SuccessorFrame.nouns)
    var text = lead
    for (index, value) in run.enumerated() {
      if index > 0 { text += index == run.count - 1 ? lastJoiner : joiner }
      var part = item.replacingSlots(["#": value, "[NOUN]": noun])
      if part.contains("[ACT]") {
        part = part.replacingSlots(["[ACT]": rng.pick(SuccessorFrame.activities)])
        part = part.replacingSlots(["[P]": rng.pick(Lexicon.places)])
      }
      if part.contains("[ADJ]") {
        part = part.replacingSlots(["[ADJ]": rng.pick(SuccessorFrame.adjectives)])
      }
      text += part
    }
    return CorpusText.capitalizingFirst(text) + "."
  }
}
