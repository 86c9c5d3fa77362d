import Corpus
import Tokenizers

extension TokenRelation {
  /// The built-in relations: `name_copying` (the IOI dataset's names, each to itself), one per
  /// successor kind (Gould et al. 2024's task lists, `SuccessorKind` raw values: "digits",
  /// "days", …), `successor` (the union of every kind), `day_month_next` (days, day prefixes,
  /// months and month prefixes to the next) and `number_next` (" 0" … " 999" to the number + 1).
  public static var builtInNames: [String] {
    ["name_copying", "successor"] + SuccessorKind.allCases.map(\.rawValue) + ["day_month_next", "number_next"]
  }

  /// The built-in relation `name` for `tokenizer`; `AnalysisError.unknownName` for any other name.
  public static func builtIn(_ name: String, tokenizer: BPETokenizer) throws -> TokenRelation {
    let origin = "built-in"
    switch name {
    case "name_copying":
      return TokenRelation(name: name, words: Lexicon.names.map { ($0, $0) }, tokenizer: tokenizer, origin: origin)
    case "successor":
      return union(SuccessorKind.allCases.map { successor($0, tokenizer: tokenizer) }, name: name, origin: origin)
    case "day_month_next":
      return union([.days, .shortDays, .months, .shortMonths].map { successor($0, tokenizer: tokenizer) }, name: name, origin: origin)
    case "number_next":
      return TokenRelation(name: name, words: (0..<1000).map { (String($0), String($0 + 1)) }, tokenizer: tokenizer, origin: origin)
    default:
      guard let kind = SuccessorKind(rawValue: name) else {
        throw AnalysisError.unknownName(kind: "relation", name: name, known: builtInNames)
      }
      return successor(kind, tokenizer: tokenizer)
    }
  }

  /// One successor kind's consecutive pairs, in the successor score's order (`SuccessorTokenSets`:
  /// the list, cyclic lists wrapping to their first item).
  static func successor(_ kind: SuccessorKind, tokenizer: BPETokenizer) -> TokenRelation {
    var words = kind.items
    if SuccessorTokenSets.wrapsInPaper(kind) { words.append(words[0]) }
    return TokenRelation(name: kind.rawValue, words: Array(zip(words, words.dropFirst())).map { ($0, $1) }, tokenizer: tokenizer, origin: "built-in")
  }
}
