import Tokenizers

/// A source token and the token a relation maps it to, e.g. " Monday" -> " Tuesday".
public struct RelationPair: Equatable, Hashable, Sendable {
  public let source: Int
  public let target: Int

  public init(source: Int, target: Int) {
    self.source = source
    self.target = target
  }
}

/// An operation as (source, target) token pairs (MAPS, Elhelo & Geva 2025, arXiv 2412.11965):
/// only pairs whose two sides are single tokens are kept, and the relation says how many it
/// dropped and why. A relation whose every pair maps a token to itself is a copying relation
/// (MAPS's top k is 1 for those, 10 otherwise).
public struct TokenRelation: Equatable, Sendable {
  public let name: String
  /// The kept pairs, in order (duplicates kept, as MAPS keeps them).  [n]
  public let pairs: [RelationPair]
  /// The dropped pairs, each with its reason.
  public let dropped: [FilteredItem]
  /// Where the relation comes from ("built-in" or the file's path), for `params`.
  public let origin: String

  public init(name: String, pairs: [RelationPair], dropped: [FilteredItem] = [], origin: String) {
    self.name = name
    self.pairs = pairs
    self.dropped = dropped
    self.origin = origin
  }

  /// The relation of word pairs, each word written as it follows a space ("Paris" is the token
  /// " Paris", as MAPS adds the leading space); a pair is dropped when either side is not one token.
  public init(name: String, words: [(source: String, target: String)], tokenizer: BPETokenizer, origin: String) {
    var pairs: [RelationPair] = [], dropped: [FilteredItem] = []
    for (source, target) in words {
      let s = tokenizer.encode(" " + source), t = tokenizer.encode(" " + target)
      if s.count == 1, t.count == 1 {
        pairs.append(RelationPair(source: s[0], target: t[0]))
        continue
      }
      let (side, word, ids) = s.count != 1 ? ("source", source, s) : ("target", target, t)
      dropped.append(FilteredItem(
        list: name, item: " \(source) -> \(target)",
        reason: "dropped: its \(side) \(" \(word)".debugDescription) splits into \(ids.count) tokens \(ids.map { tokenizer.tokenText($0).debugDescription }.joined(separator: " + "))"))
    }
    self.init(name: name, pairs: pairs, dropped: dropped, origin: origin)
  }

  /// Every pair maps a token to itself.
  public var isCopying: Bool { !pairs.isEmpty && pairs.allSatisfy { $0.source == $0.target } }

  /// The union of several relations (pairs and drops concatenated in order).
  public static func union(_ relations: [TokenRelation], name: String, origin: String) -> TokenRelation {
    TokenRelation(name: name, pairs: relations.flatMap(\.pairs), dropped: relations.flatMap(\.dropped), origin: origin)
  }
}
