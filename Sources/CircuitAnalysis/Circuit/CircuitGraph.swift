import Foundation

/// A circuit: the nodes and residual-stream edges a tracing method kept, with their scores
/// (ACDC's subgraph of the computational graph; Conmy et al., NeurIPS 2023; papers.md section 6).
///
/// `CircuitGraph.full` is the whole graph of a model: every sender (embedding, head outputs,
/// MLPs) connected to every later receiver (heads or their q/k/v inputs, MLPs, logits). A traced
/// circuit is a subset of it. With `splitQKV`, a head's inputs are nodes of their own and each
/// connects to its head by an internal edge that is never scored or pruned on its own.
public struct CircuitGraph: Equatable, Sendable {
  public var layers: Int
  public var heads: Int
  public var splitQKV: Bool
  /// The kept nodes, in forward order.
  public private(set) var nodes: [CircuitNode]
  /// The kept edges, sorted (receiver, then sender).
  public private(set) var edges: [CircuitEdge]
  /// Scores of nodes, where the method scores nodes (path patching senders, ablation effects).
  public var nodeScores: [CircuitNode: Double]
  /// The method that produced the scores ("eap", "eap-ig", "acdc", "path").
  public var method: String

  public init(
    layers: Int, heads: Int, splitQKV: Bool, nodes: [CircuitNode], edges: [CircuitEdge],
    nodeScores: [CircuitNode: Double] = [:], method: String
  ) {
    self.layers = layers
    self.heads = heads
    self.splitQKV = splitQKV
    self.nodes = Array(Set(nodes)).sorted()
    self.edges = edges.sorted()
    self.nodeScores = nodeScores
    self.method = method
  }

  /// Every node of the model's graph, in forward order.
  public static func allNodes(layers: Int, heads: Int, splitQKV: Bool) -> [CircuitNode] {
    var nodes: [CircuitNode] = [.embed]
    for l in 0..<layers {
      for h in 0..<heads {
        if splitQKV { nodes += CircuitNode.HeadInput.allCases.map { .headInput(layer: l, head: h, input: $0) } }
        nodes.append(.head(layer: l, head: h))
      }
      nodes.append(.mlp(layer: l))
    }
    return nodes + [.logits]
  }

  /// The receivers of residual-stream edges: heads (or their inputs), MLPs and the logits.
  public static func receivers(layers: Int, heads: Int, splitQKV: Bool) -> [CircuitNode] {
    allNodes(layers: layers, heads: heads, splitQKV: splitQKV).filter {
      switch $0 {
      case .embed: return false
      case .head: return !splitQKV
      case .headInput, .mlp, .logits: return true
      }
    }
  }

  /// Every residual-stream edge of the model, sorted.
  public static func allEdges(layers: Int, heads: Int, splitQKV: Bool) -> [CircuitEdge] {
    let nodes = allNodes(layers: layers, heads: heads, splitQKV: splitQKV)
    let senders = nodes.filter(\.isSender)
    return receivers(layers: layers, heads: heads, splitQKV: splitQKV).flatMap { receiver in
      senders.filter { $0.writes(before: receiver) }.map { CircuitEdge($0, receiver) }
    }.sorted()
  }

  /// The whole graph of a model with `layers` x `heads` heads.
  public static func full(layers: Int, heads: Int, splitQKV: Bool = false, method: String = "full") -> CircuitGraph {
    CircuitGraph(layers: layers, heads: heads, splitQKV: splitQKV, nodes: allNodes(layers: layers, heads: heads, splitQKV: splitQKV),
                 edges: allEdges(layers: layers, heads: heads, splitQKV: splitQKV), method: method)
  }

  /// The internal edges from a head's q/k/v inputs to the head, for the kept inputs of a split
  /// graph (drawn, never scored).
  public var internalEdges: [CircuitEdge] {
    guard splitQKV else { return [] }
    return nodes.compactMap {
      guard case .headInput(let l, let h, _) = $0 else { return nil }
      return CircuitEdge($0, .head(layer: l, head: h))
    }
  }

  /// The graph keeping only `kept` edges (and the nodes they touch; the logits always stay).
  public func keeping(_ kept: [CircuitEdge], method: String? = nil) -> CircuitGraph {
    var touched: Set<CircuitNode> = [.logits]
    for edge in kept {
      touched.insert(edge.sender)
      touched.insert(edge.receiver)
      if case .headInput(let l, let h, _) = edge.receiver { touched.insert(.head(layer: l, head: h)) }
    }
    return CircuitGraph(layers: layers, heads: heads, splitQKV: splitQKV, nodes: Array(touched), edges: kept,
                        nodeScores: nodeScores.filter { touched.contains($0.key) }, method: method ?? self.method)
  }

  /// The heads that have a kept node (output or input).
  public var keptHeads: [HeadIndex] {
    Array(Set(nodes.compactMap { $0.headIndex.map { HeadIndex($0.layer, $0.head) } })).sorted()
  }
}
