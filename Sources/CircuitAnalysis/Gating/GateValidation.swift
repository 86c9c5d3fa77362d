import TransformerEngine

/// Hard-ablation check of causal head gating's labels (papers.md section 1: "validate the labels
/// with hard ablations afterwards"): the metric with every head, with only the facilitating heads
/// kept (every other head's z zero-ablated), and with the interfering heads zero-ablated.
enum GateValidation {
  static let variants = ["full", "facilitating_only", "interfering_removed"]

  /// The metric's mean over `rows` per variant, and the metric's name.
  static func run(model: TransformerModel, rows: GatingRows, roles: [HeadRole]) throws -> (values: [Double], metric: Metric.Kind) {
    let L = model.config.layers, NH = model.config.heads
    let gateSets: [[Float]] = [
      Array(repeating: 1, count: L * NH),
      roles.map { $0 == .facilitating ? 1 : 0 },
      roles.map { $0 == .interfering ? 0 : 1 },
    ]
    return (try gateSets.map { try metric(model: model, rows: rows, gates: $0) }, rows.validationMetric)
  }

  /// The metric's mean over `rows` (by default `rows.validationMetric`; top-k accuracy is top-1)
  /// with every head's z multiplied by its gate [L·NH].
  static func metric(model: TransformerModel, rows: GatingRows, gates: [Float], kind: Metric.Kind? = nil) throws -> Double {
    let L = model.config.layers, NH = model.config.heads, kind = kind ?? rows.validationMetric
    var total = 0.0
    for start in stride(from: 0, to: rows.count, by: 32) {
      let range = start..<min(rows.count, start + 32)
      let answers = Array(rows.answers[range]), wrongs = Array(rows.wrongs[range])
      let metric: Metric
      switch kind {
      case .logitDifference: metric = .logitDifference(answers: answers, wrongs: wrongs)
      case .topKAccuracy: metric = .topKAccuracy(answers: answers, k: 1)
      default: metric = .logProbability(of: answers)
      }
      let logits = try model.withHeadGates(Tensor(shape: [L, NH], values: gates)) {
        try model.forward(PaddedBatch(Array(rows.tokens[range])), logits: .last)  // [b, 1, V]
      }
      total += try metric.perRow(logits).reduce(0, +)
    }
    return total / Double(rows.count)
  }
}
