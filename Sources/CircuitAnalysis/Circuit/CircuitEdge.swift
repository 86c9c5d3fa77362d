import Foundation

/// A residual-stream edge of a circuit: `sender`'s output, as read by `receiver`'s input
/// (ACDC's edge; Conmy et al., NeurIPS 2023; papers.md section 6). `score` is what the method
/// that built the graph gave the edge (an EAP estimate, an ACDC metric change, a path-patching
/// effect), nil when it gave none.
public struct CircuitEdge: Hashable, Comparable, Sendable {
  public var sender: CircuitNode
  public var receiver: CircuitNode
  public var score: Double?

  public init(_ sender: CircuitNode, _ receiver: CircuitNode, score: Double? = nil) {
    self.sender = sender
    self.receiver = receiver
    self.score = score
  }

  /// Edges sort by receiver, then sender, both in forward order: the order ACDC visits them in
  /// reverse, output first.
  public static func < (a: CircuitEdge, b: CircuitEdge) -> Bool { a.key < b.key }

  /// The edge without its score, to look it up.
  public var key: EdgeKey { EdgeKey(sender: sender, receiver: receiver) }
}

/// An edge's endpoints.
public struct EdgeKey: Hashable, Comparable, Sendable {
  public var sender: CircuitNode
  public var receiver: CircuitNode
  public init(sender: CircuitNode, receiver: CircuitNode) {
    self.sender = sender
    self.receiver = receiver
  }
  public static func < (a: EdgeKey, b: EdgeKey) -> Bool {
    a.receiver != b.receiver ? a.receiver < b.receiver : a.sender < b.sender
  }
}
