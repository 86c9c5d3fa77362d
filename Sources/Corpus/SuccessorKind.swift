/// The eight successor tasks of Gould et al., "Successor Heads" (ICLR 2024; papers.md section 2):
/// each kind is an ordered set of single-token words in which every item but the last has a
/// successor.
public enum SuccessorKind: String, CaseIterable, Sendable {
  /// " 1" ... " 200" (a run never passes 200).
  case digits
  /// " one" ... " twenty".
  case numberWords
  /// " first" ... " tenth".
  case ordinals
  /// " Monday" ... " Sunday", wrapping to " Monday".
  case days
  /// " Mon" ... " Sun", wrapping to " Mon".
  case shortDays
  /// " January" ... " December", wrapping to " January".
  case months
  /// " Jan" ... " Dec", wrapping to " Jan".
  case shortMonths
  /// " A" ... " Z".
  case letters

  /// The items in order, without leading spaces.
  public var items: [String] {
    switch self {
    case .digits: return Lexicon.numbers
    case .numberWords: return Lexicon.numberWords
    case .ordinals: return Lexicon.ordinals
    case .days: return Lexicon.days
    case .shortDays: return Lexicon.shortDays
    case .months: return Lexicon.months
    case .shortMonths: return Lexicon.shortMonths
    case .letters: return Lexicon.letters
    }
  }

  /// Whether the sequence is cyclic (days and months, as in the paper's appended Monday and
  /// January; the short forms wrap the same way).
  public var wraps: Bool {
    switch self {
    case .days, .shortDays, .months, .shortMonths: return true
    case .digits, .numberWords, .ordinals, .letters: return false
    }
  }

  /// Whether the usual surface form separates items with commas (" Monday, Tuesday, Wednesday")
  /// rather than spaces alone (" 17 18 19", " Jan Feb Mar", " A B C").
  public var usesCommas: Bool {
    switch self {
    case .ordinals, .days, .months: return true
    case .digits, .numberWords, .shortDays, .shortMonths, .letters: return false
    }
  }

  /// The item after `item`, or nil when `item` is the last of a non-cyclic kind or not an item.
  public func successor(of item: String) -> String? {
    let list = items
    guard let index = list.firstIndex(of: item) else { return nil }
    if index + 1 < list.count { return list[index + 1] }
    return wraps ? list[0] : nil
  }

  /// `count` consecutive items starting at index `start` (wrapping for cyclic kinds). For a
  /// non-cyclic kind the run must fit: `start + count <= items.count`.
  public func run(from start: Int, count: Int) -> [String] {
    let list = items
    precondition(wraps || start + count <= list.count, "a \(rawValue) run cannot pass the end")
    return (0..<count).map { list[(start + $0) % list.count] }
  }

  /// The usual surface form of a run, each item with its leading space: " 17 18 19",
  /// " Monday, Tuesday, Wednesday". Documents and prompts use this form.
  public func listText(_ run: [String]) -> String {
    " " + run.joined(separator: usesCommas ? ", " : " ")
  }

  /// The run as a prompt that ends right before the next item: the list text, plus the comma for
  /// comma-separated kinds (" Monday, Tuesday, Wednesday,").
  public func promptText(_ run: [String]) -> String {
    listText(run) + (usesCommas ? "," : "")
  }
}
