import Foundation
import TransformerEngine

/// What replaces an ablated head's output `z` (Wang et al. 2022, section 3; Heimersheim & Nanda
/// 2024 on ablation choices).
public enum AblationMode: Sendable, Equatable {
  /// z = 0 (what a head gate of 0 does).
  case zero
  /// z = its mean over the reference prompts, per template and position: a prompt of template τ
  /// gets the mean over the reference prompts of template τ (Wang et al.: averaging across
  /// templates would mix activations of different token types).
  case mean(AblationReference)
  /// z = its value on a reference prompt drawn at random (seeded) for each prompt, of the same
  /// template where templates are given.
  case resample(AblationReference, seed: UInt64)

  public var name: String {
    switch self {
    case .zero: return "zero"
    case .mean: return "mean"
    case .resample: return "resample"
    }
  }
}

/// The reference distribution of mean and resample ablation (for IOI, p_ABC): token rows of the
/// same length as the ablated prompts, with an optional template id per row.
public struct AblationReference: Sendable, Equatable {
  public var tokens: [[Int]]
  public var templates: [Int]?
  /// A name for `params` (a dataset name and seed, or a file).
  public var name: String

  public init(tokens: [[Int]], templates: [Int]? = nil, name: String) throws {
    guard !tokens.isEmpty else { throw AnalysisError.emptyDataset("the ablation reference \(name) has no prompts") }
    if let templates, templates.count != tokens.count {
      throw AnalysisError.invalidArgument("the ablation reference has \(tokens.count) prompts but \(templates.count) template ids")
    }
    self.tokens = tokens
    self.templates = templates
    self.name = name
  }
}

/// Head ablation: knock out heads' outputs and measure a metric.
public enum HeadAblation {
  /// Ablates each head in turn ([L,NH]; values are the metric with that head ablated, the
  /// metric's `clean` is the unablated value). `positions` nil ablates at every position.
  public static func eachHead(
    subject: AnalysisSubject, prompts: [[Int]], templates: [Int]? = nil, metric: Metric, metricName: MetricSummary,
    mode: AblationMode = .zero, positions: [Int]? = nil, progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    let heads = (0..<subject.layers).flatMap { l in (0..<subject.heads).map { HeadIndex(l, $0) } }
    return try run(subject: subject, prompts: prompts, templates: templates, metric: metric, metricName: metricName, mode: mode,
                   positions: positions, variants: heads.map { [$0] }, kind: "ablate.each_head",
                   axes: [.layers(subject.layers), .heads(subject.heads)], extra: [:], progress: progress)
  }

  /// Ablates a set of heads together; a scalar result.
  public static func heads(
    _ heads: [HeadIndex], subject: AnalysisSubject, prompts: [[Int]], templates: [Int]? = nil, metric: Metric,
    metricName: MetricSummary, mode: AblationMode = .zero, positions: [Int]? = nil, progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    try run(subject: subject, prompts: prompts, templates: templates, metric: metric, metricName: metricName, mode: mode,
            positions: positions, variants: [heads], kind: "ablate.heads", axes: [],
            extra: ["heads": .strings(heads.map(\.description))], progress: progress)
  }

  /// Runs one ablation variant per head list.
  static func run(
    subject: AnalysisSubject, prompts: [[Int]], templates: [Int]?, metric: Metric, metricName: MetricSummary,
    mode: AblationMode, positions: [Int]?, variants: [[HeadIndex]], kind: String, axes: [ResultAxis],
    extra: [String: JSONValue], progress: AnalysisProgress
  ) throws -> AnalysisResult {
    let started = Date()
    for heads in variants { for head in heads { try subject.check(head: head) } }
    let runner = try VariantRunner(subject: subject, tokens: prompts, metric: metric)
    if let positions { for p in positions where p < 0 || p >= runner.T { throw AnalysisError.positionOutOfRange(position: p, positions: runner.T) } }
    let sources = try replacementZ(subject: subject, prompts: prompts, templates: templates, mode: mode)
    let edits = variants.map { heads in
      heads.flatMap { head -> [ActivationEdit] in
        let site = HookSite.block(head.layer, .z)
        let selectors: [PatchSelector] = positions.map { $0.map { .headAtPosition(head: head.head, position: $0) } } ?? [.head(head.head)]
        return selectors.map { ActivationEdit(site: site, selector: $0, source: sources[head.layer]) }
      }
    }
    let baseline = try runner.baseline()
    progress.start(total: edits.count)
    let perRow = try runner.run(edits, progress: progress)
    var summary = metricName
    summary.clean = baseline.reduce(0, +) / Double(baseline.count)
    var params: [String: JSONValue] = [
      "prompt_ids": prompts.count == 1 ? .integers(prompts[0]) : .integerRows(prompts),
      "mode": .string(mode.name), "positions": positions.map { .integers($0) } ?? "all",
    ]
    switch mode {
    case .zero: break
    case .mean(let reference):
      params["reference"] = .string(reference.name)
    case .resample(let reference, let seed):
      params["reference"] = .string(reference.name)
      params["seed"] = .integer(Int(seed))
    }
    if let templates { params["templates"] = .integers(templates) }
    var result = AnalysisResult(kind: kind, metric: summary, axes: axes, values: ResultGrid(missing: axes.map(\.count)),
                                params: params.merging(extra) { $1 }, model: subject.identity)
    try ActivationPatching.fill(&result, perRow: perRow, baselines: nil, prompts: prompts.count)
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }

  /// The replacement z of every layer for each prompt row, [L] × [B,T,NH,HS].
  static func replacementZ(subject: AnalysisSubject, prompts: [[Int]], templates: [Int]?, mode: AblationMode) throws -> [Tensor] {
    let L = subject.layers, B = prompts.count, T = prompts[0].count
    let shape = HookSite.block(0, .z).shape(batch: B, positions: T, config: subject.config)
    switch mode {
    case .zero:
      return Array(repeating: Tensor(shape: shape), count: L)
    case .mean(let reference), .resample(let reference, _):
      guard reference.tokens.allSatisfy({ $0.count == T }) else {
        throw AnalysisError.invalidArgument("the ablation reference \(reference.name) must have prompts of \(T) tokens like the ablated prompts, got lengths \(Set(reference.tokens.map(\.count)).sorted())")
      }
      let sites = Set((0..<L).map { HookSite.block($0, .z) })
      let (_, cache) = try subject.model.runWithCache(reference.tokens, sites: sites)
      let rowSize = shape.dropFirst().reduce(1, *)
      // Which reference rows stand for each prompt row: its template's, or all of them.
      let pools: [[Int]] = try (0..<B).map { b in
        guard let templates, let refTemplates = reference.templates else { return Array(reference.tokens.indices) }
        let pool = refTemplates.indices.filter { refTemplates[$0] == templates[b] }
        if pool.isEmpty { throw AnalysisError.emptyDataset("the ablation reference \(reference.name) has no prompt of template \(templates[b])") }
        return pool
      }
      var chosen: [[Int]] = pools
      if case .resample(_, let seed) = mode {
        var rng = SplitMix64(seed: seed)
        chosen = pools.map { [$0[Int(rng.next() % UInt64($0.count))]] }
      }
      return (0..<L).map { l in
        let z = cache[HookSite.block(l, .z)]!  // [R,T,NH,HS]
        var out = Tensor(shape: shape)
        for b in 0..<B {
          var acc = [Double](repeating: 0, count: rowSize)
          for r in chosen[b] { for i in 0..<rowSize { acc[i] += Double(z.values[r * rowSize + i]) } }
          for i in 0..<rowSize { out.values[b * rowSize + i] = Float(acc[i] / Double(chosen[b].count)) }
        }
        return out
      }
    }
  }
}
