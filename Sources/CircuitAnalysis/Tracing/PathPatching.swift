import Foundation
import TransformerEngine

/// Path patching (Wang et al. 2023, "Interpretability in the Wild", section 3.1 and appendix B;
/// papers.md section 3): the effect of one sender head on the metric through the receivers only.
/// With x_orig the clean prompts and x_new the corrupted ones (p_ABC for IOI), for each sender h:
///
/// 1. cache every head's output on x_orig and on x_new;
/// 2. run x_orig with h's output replaced by its x_new value and every other head frozen at its
///    x_orig value (MLPs and LayerNorms recompute), and record the receivers' inputs: the final
///    residual stream for the logits, or `resid_pre` of each receiver head's layer;
/// 3. run x_orig again with only those receiver inputs patched (the query, key or value input of
///    each receiver head, `hook_q_input` etc.; for the logits, ln_final's input) and measure the
///    metric.
///
/// HeadLab freezes and patches heads at `hook_z` [B,T,NH,HS]: a head's output `hook_result` is
/// z·W_O of that head alone, so freezing z freezes the output exactly (the TransformerLens
/// reference freezes `hook_result` and agrees). Freezing is at every position; the receivers'
/// inputs are patched at every position. A sender in the same layer as every receiver, or
/// later, cannot reach them: its cell is null.
///
/// Values [L, NH], per sender: `relative` (default, the paper's figures) gives
/// (M_patched - M_clean) / M_clean from the mean metrics; `none` the mean patched metric.
public enum PathPatching {
  public enum Normalisation: String, CaseIterable, Sendable {
    /// (patched - clean) / clean, Wang et al.'s relative change of the logit difference.
    case relative
    /// The patched metric itself.
    case none
  }

  /// Runs path patching from each of `senders` (nil: every head that reaches a receiver) to
  /// `receivers` over the prompt pairs of `groups` (clean = x_orig, corrupted = x_new).
  public static func run(
    subject: AnalysisSubject, groups: [PromptPairBatch], receivers: PathReceivers, senders chosen: [HeadIndex]? = nil,
    metric choice: MetricChoice = .logitDifference, normalisation: Normalisation = .relative,
    progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    let started = Date()
    guard !groups.isEmpty else { throw AnalysisError.emptyDataset("no prompt pairs to path-patch") }
    guard !choice.kind.readsEveryPositionKind else {
      throw AnalysisError.invalidArgument("path patching reads the metric at the answer position; \(choice.kind.rawValue) reads every position")
    }
    try receivers.check(subject)
    let L = subject.layers, NH = subject.heads
    let all = (0..<L).flatMap { l in (0..<NH).map { HeadIndex(l, $0) } }
    let senders = try chosen.map { list -> [HeadIndex] in
      for sender in list {
        try subject.check(head: sender)
        guard receivers.isReached(from: sender) else {
          throw AnalysisError.invalidArgument("sender \(sender) cannot reach the receivers \(receivers): a sender must be in an earlier layer than a receiver head")
        }
      }
      return Array(Set(list)).sorted()
    } ?? all.filter { receivers.isReached(from: $0) }
    guard !senders.isEmpty else {
      throw AnalysisError.invalidArgument("no head is before the receivers \(receivers): receivers in layer 0 have no senders")
    }
    let blocks = groups.flatMap(\.blocks)
    progress.start(total: senders.count * blocks.count)
    var rows = GroupedRows(cells: senders.count)
    for block in blocks {
      let pass = try PathPatchingPass(subject: subject, pair: block, receivers: receivers, choice: choice)
      rows.addBaselines(clean: pass.cleanMetric, corrupted: pass.corruptedMetric)
      rows.add(try pass.run(senders: senders, progress: progress))
    }

    var params = PromptPairBatch.params(groups)
    params["metric"] = choice.params
    params["receivers"] = receivers.params
    params["senders"] = .strings(senders.map(\.description))
    params["normalisation"] = .string(normalisation.rawValue)
    params["frozen"] = "every other head's hook_z at its clean value; MLPs and LayerNorms recompute"
    params["patched_positions"] = "all"
    let clean = rows.meanClean
    if normalisation == .relative, clean == 0 || !clean.isFinite {
      throw AnalysisError.invalidArgument("cannot give the relative change (patched - clean)/clean: the clean metric is \(clean); use normalisation none")
    }
    // Sender cells in [L, NH] order; heads that are not senders stay null (listed in params).
    var cells = [ResultCell](repeating: .missing, count: L * NH)
    for (i, sender) in senders.enumerated() {
      guard let values = rows.values[i], !values.isEmpty else { continue }
      let mean = values.reduce(0, +) / Double(values.count)
      cells[sender.layer * NH + sender.head] = .number(normalisation == .relative ? (mean - clean) / clean : mean)
    }
    params["not_computed"] = .strings(all.filter { !senders.contains($0) }.map(\.description))
    var result = AnalysisResult(
      kind: "path.\(receivers)",
      metric: rows.summary(choice: choice, groups: groups, subject: subject, normalised: false),
      axes: [.layers(L), .heads(NH)], values: ResultGrid(shape: [L, NH], cells: cells), params: params, model: subject.identity,
      complete: !rows.values.contains { $0 == nil })
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }
}

extension Metric.Kind {
  /// Whether the metric reads every position of a prompt (loss) rather than its answer position.
  var readsEveryPositionKind: Bool { self == .loss }
}
