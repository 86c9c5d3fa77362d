import Foundation

/// ACDC's pruning search (Conmy et al., "Towards Automated Circuit Discovery for Mechanistic
/// Interpretability", NeurIPS 2023; papers.md section 6), over any way of scoring a circuit.
///
/// Starting from the full graph, receivers are visited output first (the logits, then each layer
/// from the last: its MLP, then its heads from the highest index, each head's q, k and v inputs),
/// and each receiver's parents latest first (later layers, then higher head index). An edge is
/// removed for good when removing it raises the distance from the full model by less than `tau`:
/// `D(H \ e) - D(H) < tau`, and the new distance becomes the baseline (values accumulate; the
/// baseline is not recomputed from scratch). A receiver whose node no longer reaches the output
/// loses its incoming edges without being evaluated, since they cannot change the output.
///
/// `distance(removed)` is the metric of the circuit with the `removed` edges ablated, oriented so
/// that lower is closer to the full model: KL divergence from the full model's next-token
/// distribution, or a task metric negated (ACDC's convention), or its absolute change with
/// `absolute` (ACDC's `abs_value_threshold`, which compares |Δ| with `tau`).
public struct ACDCSearch {
  public var tau: Double
  public var absolute: Bool

  public init(tau: Double, absolute: Bool = false) throws {
    guard tau >= 0, tau.isFinite else { throw AnalysisError.invalidArgument("ACDC's threshold tau must be a finite number >= 0, got \(tau)") }
    self.tau = tau
    self.absolute = absolute
  }

  /// What the search kept, each kept edge scored with the distance change measured when it was
  /// tested (ACDC's `effect_size`), and how many circuits it evaluated.
  public struct Outcome {
    public var kept: [CircuitEdge]
    public var removed: Set<EdgeKey>
    public var distance: Double
    public var evaluations: Int
  }

  /// The order ACDC visits receivers in: output first.
  static func receiverOrder(_ graph: CircuitGraph) -> [CircuitNode] {
    CircuitGraph.receivers(layers: graph.layers, heads: graph.heads, splitQKV: graph.splitQKV).sorted(by: >)
  }

  public func run(
    _ graph: CircuitGraph, progress: AnalysisProgress = .none, distance: (Set<EdgeKey>) throws -> Double
  ) throws -> Outcome {
    var removed: Set<EdgeKey> = []
    var effects: [EdgeKey: Double] = [:]
    var baseline = try distance(removed)
    var evaluations = 1
    let incoming = Dictionary(grouping: graph.edges, by: \.receiver)
    let order = Self.receiverOrder(graph)
    progress.start(total: graph.edges.count)
    for receiver in order {
      let parents = (incoming[receiver] ?? []).map(\.key).sorted { $0.sender > $1.sender }
      if !reachesOutput(receiver, graph: graph, removed: removed) {
        removed.formUnion(parents)
        progress.advance(by: parents.count)
        continue
      }
      for edge in parents {
        if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: graph.edges.count) }
        var trial = removed
        trial.insert(edge)
        let value = try distance(trial)
        evaluations += 1
        let change = absolute ? abs(value - baseline) : value - baseline
        if change < tau {
          removed = trial
          baseline = value
        } else {
          effects[edge] = change
        }
        progress.advance()
      }
    }
    let kept = graph.edges.filter { !removed.contains($0.key) }.map { CircuitEdge($0.sender, $0.receiver, score: effects[$0.key]) }
    return Outcome(kept: kept, removed: removed, distance: baseline, evaluations: evaluations)
  }

  /// Whether `receiver`'s node still has a kept path to the logits. Receivers are visited output
  /// first, so every edge out of the node has been decided when this is asked.
  func reachesOutput(_ receiver: CircuitNode, graph: CircuitGraph, removed: Set<EdgeKey>) -> Bool {
    let node: CircuitNode
    switch receiver {
    case .logits: return true
    case .headInput(let l, let h, _): node = .head(layer: l, head: h)
    default: node = receiver
    }
    var reached: Set<CircuitNode> = [.logits]
    // Kept edges, latest receivers first, so one pass finds every node with a path to the logits.
    for edge in graph.edges.sorted(by: { $0.receiver > $1.receiver }) where !removed.contains(edge.key) {
      let target: CircuitNode
      if case .headInput(let l, let h, _) = edge.receiver { target = .head(layer: l, head: h) } else { target = edge.receiver }
      if reached.contains(target) { reached.insert(edge.sender) }
    }
    return reached.contains(node)
  }
}
