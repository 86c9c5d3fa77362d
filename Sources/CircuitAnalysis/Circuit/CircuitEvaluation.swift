import Foundation
import TransformerEngine

/// The metric of a circuit and its faithfulness, with every edge outside the circuit ablated to
/// the reference distribution's mean (Wang et al. 2022, "Interpretability in the Wild", section
/// 3 and its F(C); Conmy et al. 2023, ACDC's edge ablation; papers.md sections 3 and 6).
///
/// An edge s → r outside the circuit carries, into r's input, s's mean output over the reference
/// (corrupted, for IOI p_ABC) prompts instead of its output in the run: r's input is
/// resid(r) − Σ over ablated senders s of (out_s − mean(out_s)), where out_s is s's output in the
/// same, already modified run. Means are per template and per position (`AblationMeans`, the
/// mean mean ablation uses): clean and reference prompts of one template align position by
/// position, and a prompt whose template has no reference prompt of its length is refused.
///
/// Faithfulness = (M(circuit) − M(empty)) / (M(full) − M(empty)): 1 when the circuit does all the
/// model does, 0 when it does no more than the empty circuit (every edge ablated). The full graph
/// installs no hook at all, so M(full) is the clean run's metric bit for bit.
public struct CircuitEvaluator {
  public let subject: AnalysisSubject
  public let batch: PromptPairBatch
  public let metricChoice: MetricChoice
  /// The reference distribution's name, for `params`.
  public let referenceName: String
  let means: AblationMeans

  /// Takes the reference's means of every sender site once (the reference runs through the model
  /// once, in blocks).
  public init(subject: AnalysisSubject, batch: PromptPairBatch, reference: AblationReference, metric: MetricChoice = .logitDifference) throws {
    self.subject = subject
    self.batch = batch
    metricChoice = metric
    referenceName = reference.name
    means = try AblationMeans(reference: reference, subject: subject, sites: SenderMeans.sites(layers: subject.layers))
  }

  /// The mean over the batch of the metric with `graph`'s edges kept and every other edge
  /// ablated. Advances `progress` once per block of `PromptPairBatch.blockSize` prompts and
  /// throws `AnalysisError.cancelled` between blocks once it is cancelled.
  public func metric(of graph: CircuitGraph, progress: AnalysisProgress = .none) throws -> Double {
    try values(of: graph, progress: progress).reduce(0, +) / Double(batch.count)
  }

  /// Each prompt's metric with `graph`'s edges kept.  [B]
  public func values(of graph: CircuitGraph, progress: AnalysisProgress = .none) throws -> [Double] {
    guard graph.layers == subject.layers, graph.heads == subject.heads else {
      throw AnalysisError.invalidArgument("the circuit is a graph of \(graph.layers) layers x \(graph.heads) heads, the model has \(subject.layers) x \(subject.heads)")
    }
    let plan = try EdgeAblationPlan(graph: graph)
    let senders = EdgeAblationHooks.readSenders(plan, layers: subject.layers, heads: subject.heads)
    let model = subject.model
    var out: [Double] = []
    for block in batch.blocks {
      if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: batch.blocks.count) }
      let m = try metricChoice.metric(for: block) { try model.forward(block.cleanBatch) }
      let selection: LogitPositions = m.readsEveryPosition ? .all : .last
      let logits: Tensor
      if plan.isEmpty {
        logits = try model.forward(block.cleanBatch, logits: selection)
      } else {
        let senderMeans = try SenderMeans(senders, means: means, subject: subject, block: block, name: referenceName)
        let hooks = EdgeAblationHooks(plan: plan, means: senderMeans, config: subject.config, B: block.count, T: block.length)
        logits = try model.withHooks(hooks.hooks) { try model.forward(block.cleanBatch, logits: selection) }
      }
      let rows = try m.perRow(logits)
      if let b = rows.firstIndex(where: { !$0.isFinite }) {
        throw AnalysisError.nonFinite("the metric of prompt \(out.count + b) with the circuit's \(graph.edges.count) edges kept")
      }
      out += rows
      progress.advance()
    }
    return out
  }

  /// The metric of `graph`, of the full graph and of the empty graph, and the faithfulness.
  /// Advances `progress` three times per block.
  public func faithfulness(of graph: CircuitGraph, progress: AnalysisProgress = .none) throws -> CircuitFaithfulness {
    let full = CircuitGraph.full(layers: graph.layers, heads: graph.heads, splitQKV: graph.splitQKV)
    return CircuitFaithfulness(
      circuit: try metric(of: graph, progress: progress), full: try metric(of: full, progress: progress),
      empty: try metric(of: full.keeping([]), progress: progress))
  }

  /// What a result's `params` records about the ablation.
  public var params: [String: JSONValue] {
    ["ablation": "mean", "reference": .string(referenceName),
     "mean_over": "the reference prompts of the same template and length, per position",
     "metric": metricChoice.params]
  }
}

/// A circuit's metric beside the full model's and the empty circuit's.
public struct CircuitFaithfulness: Equatable, Sendable {
  public var circuit: Double
  public var full: Double
  public var empty: Double

  public init(circuit: Double, full: Double, empty: Double) {
    self.circuit = circuit
    self.full = full
    self.empty = empty
  }

  /// (M(circuit) − M(empty)) / (M(full) − M(empty)); nil when the full model and the empty
  /// circuit measure the same (nothing to recover).
  public var value: Double? {
    let span = full - empty
    guard span != 0, span.isFinite else { return nil }
    return (circuit - empty) / span
  }

  public static let normalisation = "(M(circuit) - M(empty)) / (M(full) - M(empty))"

  public var params: JSONValue {
    ["normalisation": .string(Self.normalisation), "metric_circuit": .number(circuit), "metric_full": .number(full),
     "metric_empty": .number(empty), "value": value.map(JSONValue.number) ?? .null]
  }
}
