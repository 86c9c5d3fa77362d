import Corpus
import Tokenizers

/// The numeric tokens of the mod-10 check (Gould et al. 2024, section 4; papers.md section 2):
/// the numbers " 1" … " 200", the number words " one" … " twenty", the ordinals " first" …
/// " tenth" and the months " January" … " December" that are one token with their leading space,
/// each with its index in its list (1-based: " 12", " twelve" and " December" all have index 12).
public struct NumericTokens: Sendable, Equatable {
  public struct Token: Sendable, Equatable {
    public let id: Int
    public let index: Int
    /// Its list (a `SuccessorKind` raw value).
    public let list: String

    public init(id: Int, index: Int, list: String) {
      self.id = id
      self.index = index
      self.list = list
    }
  }

  /// The lists the check reads, in order.
  public static let kinds: [SuccessorKind] = [.digits, .numberWords, .ordinals, .months]

  public let tokens: [Token]
  /// Items that are not one token (or repeat an earlier item's token).
  public let filtered: [FilteredItem]

  public init(tokens: [Token], filtered: [FilteredItem] = []) {
    self.tokens = tokens
    self.filtered = filtered
  }

  public init(tokenizer: BPETokenizer) throws {
    let words = try DatasetTokenizer(tokenizer)
    var filtered: [FilteredItem] = []
    var tokens: [Token] = []
    var seen: Set<Int> = []
    for kind in Self.kinds {
      let index = Dictionary(uniqueKeysWithValues: kind.items.enumerated().map { ($0.element, $0.offset + 1) })
      for word in words.singleTokenWords(kind.items, list: kind.rawValue, filtered: &filtered) {
        guard seen.insert(word.id).inserted else {
          filtered.append(FilteredItem(list: kind.rawValue, item: word.text, reason: "is a token of an earlier list"))
          continue
        }
        tokens.append(Token(id: word.id, index: index[word.word]!, list: kind.rawValue))
      }
    }
    self.init(tokens: tokens, filtered: filtered)
  }

  /// How many tokens each list gives.
  var counts: [String: JSONValue] {
    Dictionary(uniqueKeysWithValues: Self.kinds.map { kind in (kind.rawValue, JSONValue.integer(tokens.filter { $0.list == kind.rawValue }.count)) })
  }
}
