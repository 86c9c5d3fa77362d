import Foundation
import TransformerEngine

/// Head ablation: knock out heads' outputs `z` on the clean prompts and measure a metric
/// (Wang et al. 2022, section 3, for mean ablation per template; Heimersheim & Nanda 2024 on
/// ablation choices). Values are the metric with the heads ablated; the metric's `clean` is the
/// unablated value.
public enum HeadAblation {
  /// Ablates each head in turn: [L,NH]. `positions` nil ablates at every position.
  public static func eachHead(
    subject: AnalysisSubject, groups: [PromptPairBatch], metric: MetricChoice = .logitDifference,
    mode: AblationMode = .zero, positions: [Int]? = nil, progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    let heads = (0..<subject.layers).flatMap { l in (0..<subject.heads).map { HeadIndex(l, $0) } }
    return try run(subject: subject, groups: groups, metric: metric, mode: mode, positions: positions,
                   variants: heads.map { [$0] }, kind: "ablate.each_head",
                   axes: [.layers(subject.layers), .heads(subject.heads)], extra: [:], progress: progress)
  }

  /// Ablates a set of heads together: a scalar result.
  public static func heads(
    _ heads: [HeadIndex], subject: AnalysisSubject, groups: [PromptPairBatch], metric: MetricChoice = .logitDifference,
    mode: AblationMode = .zero, positions: [Int]? = nil, progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    try run(subject: subject, groups: groups, metric: metric, mode: mode, positions: positions, variants: [heads],
            kind: "ablate.heads", axes: [], extra: ["heads": .strings(heads.map(\.description))], progress: progress)
  }

  /// Cumulative ablation along an ordering of heads: variant k ablates the first k heads
  /// (k = 0…count). Values [count+1]. Used by ordered weakening (relevance).
  static func cumulative(
    _ order: [HeadIndex], subject: AnalysisSubject, groups: [PromptPairBatch], metric: MetricChoice,
    mode: AblationMode, progress: AnalysisProgress
  ) throws -> (rows: GroupedRows, variants: Int) {
    let variants = (0...order.count).map { Array(order.prefix($0)) }
    let rows = try perRow(subject: subject, groups: groups, metric: metric, mode: mode, positions: nil, variants: variants, progress: progress)
    return (rows, variants.count)
  }

  static func run(
    subject: AnalysisSubject, groups: [PromptPairBatch], metric: MetricChoice, mode: AblationMode, positions: [Int]?,
    variants: [[HeadIndex]], kind: String, axes: [ResultAxis], extra: [String: JSONValue], progress: AnalysisProgress
  ) throws -> AnalysisResult {
    let started = Date()
    let rows = try perRow(subject: subject, groups: groups, metric: metric, mode: mode, positions: positions, variants: variants, progress: progress)
    var summary = rows.summary(choice: metric, groups: groups, subject: subject, normalised: false)
    summary.corrupted = nil
    var params = PromptPairBatch.params(groups).merging(mode.params) { $1 }
    params["metric"] = metric.params
    params["positions"] = positions.map { .integers($0) } ?? "all"
    params["corrupted_ids"] = nil
    var result = AnalysisResult(kind: kind, metric: summary, axes: axes, values: ResultGrid(missing: axes.map(\.count)),
                                params: params.merging(extra) { $1 }, model: subject.identity)
    try rows.fill(&result)
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }

  /// Every prompt's metric under each variant (a list of heads ablated together).
  static func perRow(
    subject: AnalysisSubject, groups: [PromptPairBatch], metric choice: MetricChoice, mode: AblationMode,
    positions: [Int]?, variants: [[HeadIndex]], progress: AnalysisProgress
  ) throws -> GroupedRows {
    guard !groups.isEmpty else { throw AnalysisError.emptyDataset("no prompts to ablate on") }
    for heads in variants { for head in heads { try subject.check(head: head) } }
    progress.start(total: variants.count * groups.flatMap(\.blocks).count)
    var rows = GroupedRows(cells: variants.count)
    for group in groups.flatMap(\.blocks) {
      let metric = try choice.metric(for: group) { try subject.model.forward(group.cleanBatch) }
      let runner = try VariantRunner(subject: subject, rows: group.clean, metric: metric)
      if let positions { for p in positions where p < 0 || p >= runner.T { throw AnalysisError.positionOutOfRange(position: p, positions: runner.T) } }
      let sources = try mode.replacementZ(subject: subject, prompts: group.clean, templates: group.templates)
      let edits = variants.map { heads in
        heads.flatMap { head -> [ActivationEdit] in
          let site = HookSite.block(head.layer, .z)
          let selectors: [PatchSelector] = positions.map { $0.map { .headAtPosition(head: head.head, position: $0) } } ?? [.head(head.head)]
          return selectors.map { ActivationEdit(site: site, selector: $0, source: sources[head.layer]) }
        }
      }
      rows.addBaseline(try runner.baseline())
      rows.add(try runner.run(edits, progress: progress))
    }
    return rows
  }
}
