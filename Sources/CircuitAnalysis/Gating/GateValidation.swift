import TransformerEngine

/// Hard-ablation check of causal head gating's labels (papers.md section 1: "validate the labels
/// with hard ablations afterwards"): the metric with every head, with only the facilitating heads
/// kept (every other head's z zero-ablated), and with the interfering heads zero-ablated.
enum GateValidation {
  static let variants = ["full", "facilitating_only", "interfering_removed"]

  /// The metric's mean over `rows` per variant, and the metric's name.
  static func run(model: TransformerModel, rows: GatingRows, roles: [HeadRole]) throws -> (values: [Double], metric: Metric.Kind) {
    let L = model.config.layers, NH = model.config.heads
    let kind: Metric.Kind = rows.hasWrongTokens ? .logitDifference : .logProbability
    let gateSets: [[Float]] = [
      Array(repeating: 1, count: L * NH),
      roles.map { $0 == .facilitating ? 1 : 0 },
      roles.map { $0 == .interfering ? 0 : 1 },
    ]
    let values = try gateSets.map { gates -> Double in
      var total = 0.0
      for start in stride(from: 0, to: rows.count, by: 32) {
        let range = start..<min(rows.count, start + 32)
        let answers = Array(rows.answers[range]), wrongs = Array(rows.wrongs[range])
        let metric = kind == .logitDifference ? Metric.logitDifference(answers: answers, wrongs: wrongs) : .logProbability(of: answers)
        let logits = try model.withHeadGates(Tensor(shape: [L, NH], values: gates)) {
          try model.forward(PaddedBatch(Array(rows.tokens[range])), logits: .last)  // [b, 1, V]
        }
        total += try metric.perRow(logits).reduce(0, +)
      }
      return total / Double(rows.count)
    }
    return (values, kind)
  }
}
