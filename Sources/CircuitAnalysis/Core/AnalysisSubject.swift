import TransformerEngine

/// The model an analysis runs on, with what a result needs to describe it: its identity (name and
/// weight checksum) and the text of each token id (for axis labels and token cells). Analyses take
/// token ids, never text.
public struct AnalysisSubject: @unchecked Sendable {
  public let model: TransformerModel
  public let identity: ModelIdentity
  public let tokenText: (Int) -> String

  public init(model: TransformerModel, identity: ModelIdentity, tokenText: @escaping (Int) -> String) {
    self.model = model
    self.identity = identity
    self.tokenText = tokenText
  }

  public var config: ModelConfig { model.config }
  public var layers: Int { model.config.layers }
  public var heads: Int { model.config.heads }

  /// Checks a head index against the model.
  public func check(head: HeadIndex) throws {
    guard head.layer >= 0, head.layer < layers, head.head >= 0, head.head < heads else {
      throw AnalysisError.headOutOfRange(layer: head.layer, head: head.head, layers: layers, heads: heads)
    }
  }
}

/// A head as layer.head, written "9.6" as in Wang et al.
public struct HeadIndex: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
  public let layer: Int
  public let head: Int

  public init(_ layer: Int, _ head: Int) {
    self.layer = layer
    self.head = head
  }

  /// Parses "L.H".
  public init(parsing text: String) throws {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, let l = Int(parts[0]), let h = Int(parts[1]) else {
      throw AnalysisError.invalidArgument("'\(text)' is not a head; write layer.head, e.g. 9.6")
    }
    self.init(l, h)
  }

  public var description: String { "\(layer).\(head)" }
  public static func < (a: HeadIndex, b: HeadIndex) -> Bool { (a.layer, a.head) < (b.layer, b.head) }
}
