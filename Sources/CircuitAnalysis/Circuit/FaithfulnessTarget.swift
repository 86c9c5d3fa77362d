/// The smallest circuit of the top-n edges (largest |score| first) whose faithfulness reaches a
/// target: a binary search over n in 0…E, which assumes faithfulness grows with n (it need not:
/// an added edge can lower it; the params say so). `completing` adds to each top n the edges that
/// belong with it (those a method leaves unscored, `CircuitTrace.completed`). The full graph
/// (n = E) has faithfulness 1, so every target in (0, 1] is reached.
enum FaithfulnessTarget {
  /// Evaluations a search over `edges` edges takes at most (the full and empty metrics aside).
  static func maximumEvaluations(edges: Int) -> Int {
    var count = 0, span = edges + 1
    while span > 1 { span = (span + 1) / 2; count += 1 }
    return count
  }

  /// n, the faithfulness of the top n, and every (n, faithfulness) evaluated, in order.
  static func search(
    _ target: Double, ranked: [CircuitEdge], completing: ([CircuitEdge]) -> [CircuitEdge] = { $0 }, graph: CircuitGraph,
    evaluator: CircuitEvaluator, progress: AnalysisProgress
  ) throws -> (n: Int, faithfulness: CircuitFaithfulness, evaluated: [(Int, Double)]) {
    let full = try evaluator.metric(of: CircuitGraph.full(layers: graph.layers, heads: graph.heads, splitQKV: graph.splitQKV), progress: progress)
    let empty = try evaluator.metric(of: graph.keeping([]), progress: progress)
    var measured: [Int: CircuitFaithfulness] = [ranked.count: CircuitFaithfulness(circuit: full, full: full, empty: empty)]
    var evaluated: [(Int, Double)] = []
    func faithfulness(_ n: Int) throws -> Double {
      let f = CircuitFaithfulness(circuit: try evaluator.metric(of: graph.keeping(completing(Array(ranked.prefix(n)))), progress: progress), full: full, empty: empty)
      guard let value = f.value else {
        throw AnalysisError.invalidArgument("faithfulness is undefined: the full model and the empty circuit both give \(evaluator.metricChoice.kind.rawValue) = \(full)")
      }
      measured[n] = f
      evaluated.append((n, value))
      return value
    }
    var (low, high) = (0, ranked.count)
    while low < high {
      let middle = (low + high) / 2
      if try faithfulness(middle) >= target { high = middle } else { low = middle + 1 }
    }
    return (low, measured[low]!, evaluated)
  }
}
