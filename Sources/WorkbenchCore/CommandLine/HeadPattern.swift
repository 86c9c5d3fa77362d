import CircuitAnalysis

/// A comma-separated list of heads as written, kept unresolved until the model's layer and head
/// counts are known. Each item is `layer.head`, where either side is a number, an inclusive range
/// or `*` (Wang et al. write heads as `9.6`):
///
///     9.9,9.6,10.0     three heads
///     10.*             every head of layer 10
///     *.3              head 3 of every layer
///     3-5.0-1          heads 0 and 1 of layers 3, 4 and 5
///     *.*              every head
public struct HeadPattern: Hashable, Sendable, CustomStringConvertible {
  public struct Item: Hashable, Sendable, CustomStringConvertible {
    public let layers: IndexSelector
    public let heads: IndexSelector
    /// Scalars into the token's text of the layer part and the head part, for errors.
    let layerOffset: Int
    let headOffset: Int

    public var description: String { "\(layers).\(heads)" }
  }

  public let items: [Item]
  let token: LineToken

  init(token: LineToken) throws {
    self.token = token
    self.items = try IndexSelector.items(of: token, noun: "head").map { scalars, offset in
      let dots = scalars.indices.filter { scalars[$0] == "." }
      guard dots.count == 1, let dot = dots.first else {
        var written = ""
        written.unicodeScalars.append(contentsOf: scalars)
        throw token.error("'\(written)' is not a head: write layer.head like 9.6, 10.* or *.3", atOffset: offset)
      }
      let headOffset = offset + (dot - scalars.startIndex) + 1
      return Item(
        layers: try IndexSelector.parse(scalars[..<dot], offset: offset, of: token, noun: "layer"),
        heads: try IndexSelector.parse(scalars[(dot + 1)...], offset: headOffset, of: token, noun: "head"),
        layerOffset: offset, headOffset: headOffset)
    }
  }

  /// The heads in the order written (layer-major within an item), each once. An item that reaches
  /// past the model is an error pointing at it.
  public func resolve(layers: Int, heads: Int) throws -> [HeadIndex] {
    var seen = Set<HeadIndex>()
    var resolved: [HeadIndex] = []
    for item in items {
      let layerIndices = try item.layers.resolve(
        count: layers, noun: "layer", unit: "layers", token: token, offset: item.layerOffset)
      let headIndices = try item.heads.resolve(
        count: heads, noun: "head", unit: "heads per layer", token: token, offset: item.headOffset)
      for layer in layerIndices {
        for head in headIndices where seen.insert(HeadIndex(layer, head)).inserted {
          resolved.append(HeadIndex(layer, head))
        }
      }
    }
    return resolved
  }

  public var description: String { items.map(\.description).joined(separator: ",") }
}

extension LineToken {
  /// Heads: `9.9,9.6,10.0`, `10.*`, `*.3`, `3-5.*`; resolve with the model's layer and head counts.
  public func headPattern() throws -> HeadPattern { try HeadPattern(token: self) }
}
