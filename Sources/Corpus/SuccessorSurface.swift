/// The surface forms a successor run takes in the corpus: how items are separated, whether the
/// run starts the text or a line (no leading space, maybe a capital), and whether it sits in a
/// sentence.
///
/// Successor heads act on the items themselves (Gould et al., ICLR 2024; papers.md section 2), so
/// a model of succession should continue " Monday, Tuesday," as readily as "Monday Tuesday" at the
/// start of a text or "Monday\nTuesday\n" in a column. The reference run learned only the one
/// comma-space form it was trained on (issue 11); the corpus therefore varies every part of the
/// form. The separators ";" and " - " are never written here: the held-out behaviour set
/// (ModelTraining's heldout-behaviour.json) keeps them to itself.
enum SuccessorSurface {
  /// Separators between items, each with its relative weight: space, comma-space, bare comma,
  /// newline, " then ", " and ", and a few rarer ones so that a model sees that any separator can
  /// sit between consecutive items.
  static let separators: [(text: String, weight: Double)] = [
    (" ", 3), (", ", 3), (",", 1.5), ("\n", 2), (" then ", 1.5), (" and ", 1.5), (", then ", 0.7),
    (", and ", 0.5), (" or ", 0.5), (" / ", 0.5), ("/", 0.3), (" | ", 0.4),
  ]

  /// Heading words for a column of items ("Days:\nMonday\nTuesday").
  static let headings: [String] = [
    "List", "Days", "Dates", "Notes", "Order", "Plan", "Steps", "Rows", "Numbers", "Names", "Week",
    "Year", "Times", "Work", "Games", "Rooms", "Pages",
  ]

  /// Symbols that also separate items, with or without spaces around them ("Mon + Tue + Wed",
  /// "A|B|C"): so many that a model learns succession whatever stands between the items, the way
  /// it must on the held-out separators it never sees.
  static let symbols: [String] = [
    ":", "|", "/", "+", "*", "~", "=", "&", "#", ">", "_", "^", "%", "@", "!", "?", "<", "\\",
  ]

  /// How often a run is separated by a symbol rather than one of `separators`, relative to their
  /// weights.
  static let symbolWeight = 4.0

  /// The separator for one run.
  static func separator(rng: inout CorpusRandom) -> String {
    let weights = separators.map(\.weight) + [symbolWeight]
    let index = rng.weightedIndex(weights)
    guard index == separators.count else { return separators[index].text }
    let symbol = rng.pick(symbols)
    switch rng.below(3) {
    case 0: return " " + symbol + " "
    case 1: return symbol + " "
    default: return symbol
    }
  }

  /// `item` as it is written where a line or the text begins: number words and ordinals may take
  /// a capital ("One", "First"); the other kinds are capitalised already.
  static func lineStart(_ item: String, capital: Bool) -> String {
    capital ? CorpusText.capitalizingFirst(item) : item
  }

  /// The run written with `separator`. `atLineStart` says that the first item begins the text or
  /// a line, so it has no leading space; otherwise it has one. After a newline separator each item
  /// begins a line, and a capital, when drawn, is used on every line.
  static func list(
    _ run: [String], separator: String, atLineStart: Bool, rng: inout CorpusRandom
  ) -> String {
    let capital = rng.chance(0.4)
    var text = atLineStart ? lineStart(run[0], capital: capital) : " " + run[0]
    for item in run.dropFirst() {
      switch separator {
      case "\n": text += "\n" + lineStart(item, capital: capital)
      default: text += separator + item
      }
    }
    return text
  }
}
