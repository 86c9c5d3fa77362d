import Foundation

/// A node of a circuit: a component that writes to or reads from the residual stream, as in
/// ACDC's computational graph (Conmy et al., NeurIPS 2023; papers.md section 6).
///
/// Senders write to the residual stream: the embedding (token + position), each head's output
/// and each MLP. Receivers read it: each head (or, split, its query, key and value inputs), each
/// MLP and the logits. Names are ACDC's: `embed`, `<a9.9>`, `<a9.9_q>`, `<m3>`, `<resid_post>`.
public enum CircuitNode: Hashable, Comparable, Sendable, CustomStringConvertible {
  case embed
  /// A head: as a sender its output (`hook_result`), as a receiver its whole input.
  case head(layer: Int, head: Int)
  /// One input of a head, when the graph splits heads into their query, key and value inputs.
  case headInput(layer: Int, head: Int, input: HeadInput)
  case mlp(layer: Int)
  case logits

  /// Which input of a head a `headInput` node is (`hook_q_input`, `hook_k_input`, `hook_v_input`).
  public enum HeadInput: String, CaseIterable, Sendable, Comparable {
    case q, k, v
    public static func < (a: HeadInput, b: HeadInput) -> Bool {
      allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
  }

  /// ACDC's name of the node.
  public var name: String {
    switch self {
    case .embed: return "embed"
    case .head(let l, let h): return "<a\(l).\(h)>"
    case .headInput(let l, let h, let input): return "<a\(l).\(h)_\(input.rawValue)>"
    case .mlp(let l): return "<m\(l)>"
    case .logits: return "<resid_post>"
    }
  }

  public var description: String { name }

  /// Parses an ACDC name (`embed`, `<a1.2>`, `<a1.2_k>`, `<m0>`, `<resid_post>`); the angle
  /// brackets are optional.
  public init?(name text: String) {
    var body = Substring(text)
    if body.hasPrefix("<") && body.hasSuffix(">") { body = body.dropFirst().dropLast() }
    switch body {
    case "embed": self = .embed; return
    case "resid_post": self = .logits; return
    default: break
    }
    if body.hasPrefix("m"), let layer = Int(body.dropFirst()), layer >= 0 { self = .mlp(layer: layer); return }
    guard body.hasPrefix("a") else { return nil }
    var rest = body.dropFirst()
    var input: HeadInput?
    if let underscore = rest.firstIndex(of: "_") {
      guard let parsed = HeadInput(rawValue: String(rest[rest.index(after: underscore)...])) else { return nil }
      input = parsed
      rest = rest[..<underscore]
    }
    let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, let layer = Int(parts[0]), let head = Int(parts[1]), layer >= 0, head >= 0 else { return nil }
    self = input.map { .headInput(layer: layer, head: head, input: $0) } ?? .head(layer: layer, head: head)
  }

  /// The layer the node belongs to; the embedding is before layer 0, and the logits after the last.
  public var layer: Int? {
    switch self {
    case .embed, .logits: return nil
    case .head(let l, _), .headInput(let l, _, _), .mlp(let l): return l
    }
  }

  /// The head a head node or head input belongs to.
  public var headIndex: (layer: Int, head: Int)? {
    switch self {
    case .head(let l, let h), .headInput(let l, let h, _): return (l, h)
    default: return nil
    }
  }

  /// Forward order: the embedding, then per layer its heads (each head's inputs before the head)
  /// and its MLP, then the logits.
  var order: [Int] {
    switch self {
    case .embed: return [-1]
    case .headInput(let l, let h, let input): return [l, 0, h, HeadInput.allCases.firstIndex(of: input)!]
    case .head(let l, let h): return [l, 0, h, 3]
    case .mlp(let l): return [l, 1]
    case .logits: return [Int.max]
    }
  }

  public static func < (a: CircuitNode, b: CircuitNode) -> Bool { a.order.lexicographicallyPrecedes(b.order) }

  /// Whether the node writes to the residual stream.
  public var isSender: Bool {
    switch self {
    case .embed, .head, .mlp: return true
    case .headInput, .logits: return false
    }
  }

  /// Whether `self`, as a sender, comes before `receiver`'s input in the forward pass: a head
  /// reads the residual stream before its own layer's heads write, an MLP after them.
  public func writes(before receiver: CircuitNode) -> Bool {
    guard isSender else { return false }
    let senderSlot: Int  // the residual position right after the sender writes
    switch self {
    case .embed: senderSlot = 0
    case .head(let l, _): senderSlot = 2 * l + 1
    case .mlp(let l): senderSlot = 2 * l + 2
    default: return false
    }
    switch receiver {
    case .head(let l, _), .headInput(let l, _, _): return senderSlot <= 2 * l
    case .mlp(let l): return senderSlot <= 2 * l + 1
    case .logits: return true
    case .embed: return false
    }
  }
}
