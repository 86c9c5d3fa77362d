/// A comma-separated list of layers or positions as written (`3-5`, `3,7,10`, `*`), kept unresolved
/// until the model's layer count or the prompt's length is known.
public struct IndexList: Hashable, Sendable, CustomStringConvertible {
  public struct Item: Hashable, Sendable {
    public let selector: IndexSelector
    /// Scalars into the token's text, for errors.
    let offset: Int
  }

  public let items: [Item]
  /// What the indices are: "layer" or "position".
  public let noun: String
  let token: LineToken

  init(token: LineToken, noun: String) throws {
    self.token = token
    self.noun = noun
    self.items = try IndexSelector.items(of: token, noun: noun).map {
      Item(selector: try IndexSelector.parse($0.scalars, offset: $0.offset, of: token, noun: noun), offset: $0.offset)
    }
  }

  /// The indices in the order written, each once; an error for an index `>= count`.
  public func resolve(count: Int) throws -> [Int] {
    var seen = Set<Int>()
    var indices: [Int] = []
    for item in items {
      let selected = try item.selector.resolve(count: count, noun: noun, unit: "\(noun)s", token: token, offset: item.offset)
      for index in selected where seen.insert(index).inserted { indices.append(index) }
    }
    return indices
  }

  public var description: String { items.map(\.selector.description).joined(separator: ",") }
}

extension LineToken {
  /// Layers: `3`, `3-5`, `0,2,3`, `*`; resolve with the model's layer count.
  public func layerList() throws -> IndexList { try IndexList(token: self, noun: "layer") }
  /// Token positions: `3,7,10`, `2-4`, `*`; resolve with the prompt's length.
  public func positionList() throws -> IndexList { try IndexList(token: self, noun: "position") }
}
