/// A word (or a whole task) a dataset left out, and why: datasets use only words that are one
/// token for the model's tokenizer (papers.md sections 2 and 3) and say what that cost.
public struct FilteredItem: Equatable, Sendable, CustomStringConvertible {
  /// The list the item came from: "names", "places", "objects", a successor task ("days"), …
  public let list: String
  /// The item as it would appear in a prompt, e.g. " Sept".
  public let item: String
  /// Why it was left out, e.g. `splits into 2 tokens " Sep" + "t"`.
  public let reason: String

  public init(list: String, item: String, reason: String) {
    self.list = list
    self.item = item
    self.reason = reason
  }

  public var description: String { "\(list): \(item.debugDescription) \(reason)" }
}
