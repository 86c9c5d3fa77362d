import Foundation

/// The one value every analysis returns. Its JSON form, `headlab.result/1`, is the contract the
/// command line, session files, the workbench and outside scripts read; it is documented in the
/// README and described by `Resources/headlab.result-1.schema.json` (`ResultSchema`), which every result is tested
/// against.
///
/// - `values` nest in the order of `axes`; `null` marks a cell that was not computed.
/// - `params` holds everything needed to rerun the result (token ids, positions, seeds, dataset, mode).
/// - Dataset-level results also carry `stderr` (shape of `values`), `count`, the Float64 `sums`
///   that let shards merge exactly, and `per_prompt` values when asked for (axes `prompt` + `axes`).
/// - `complete` is false when a run was cancelled; its missing cells are `null`.
public struct AnalysisResult: Codable, Equatable, Sendable {
  public static let formatName = "headlab.result/1"

  public var format: String = AnalysisResult.formatName
  /// What was computed, e.g. `patch.attn_head_out_all_pos`, `ablate.each_head`, `detect.induction`.
  public var kind: String
  public var metric: MetricSummary?
  public var axes: [ResultAxis]
  public var values: ResultGrid
  public var stderr: ResultGrid?
  public var perPrompt: ResultGrid?
  public var count: Int?
  public var sums: DatasetStatistics?
  public var params: [String: JSONValue]
  public var model: ModelIdentity
  public var elapsedMs: Int
  public var complete: Bool
  /// A circuit's nodes, edges and scores (Analyses II); nil for every other result.
  public var graph: JSONValue?

  public init(
    kind: String, metric: MetricSummary? = nil, axes: [ResultAxis], values: ResultGrid,
    params: [String: JSONValue], model: ModelIdentity, elapsedMs: Int = 0, complete: Bool = true
  ) {
    self.kind = kind
    self.metric = metric
    self.axes = axes
    self.values = values
    self.params = params
    self.model = model
    self.elapsedMs = elapsedMs
    self.complete = complete
  }

  /// The shape the axes give the values.
  public var shape: [Int] { axes.map(\.count) }

  /// Attaches dataset statistics: `values` become the means, `stderr` their standard errors.
  public mutating func attach(_ statistics: DatasetStatistics, perPrompt: ResultGrid? = nil) {
    sums = statistics
    count = statistics.count
    values = ResultGrid(shape: statistics.shape, numbers: statistics.mean)
    stderr = ResultGrid(shape: statistics.shape, numbers: statistics.standardError)
    self.perPrompt = perPrompt
  }

  /// The `params` that list one entry per prompt; shards of a run differ in them, and merging
  /// concatenates them in shard order.
  public static let perPromptParams: Set<String> = ["clean_ids", "corrupted_ids", "answer_ids", "wrong_ids", "prompt_ids", "templates"]

  /// Merges shards of one dataset-level run, given in shard order (same kind, axes, metric name
  /// and params apart from `shard` and the per-prompt lists) into the result the unsharded run
  /// gives.
  public static func merging(_ shards: [AnalysisResult]) throws -> AnalysisResult {
    guard var out = shards.first else { throw AnalysisError.incompatibleShards("no shards given") }
    guard var statistics = out.sums else { throw AnalysisError.incompatibleShards("shard 0 has no sums (not a dataset-level result)") }
    var rows = out.perPrompt.map { [$0] } ?? []
    var elapsed = out.elapsedMs
    var complete = out.complete
    func comparable(_ r: AnalysisResult) -> [String: JSONValue] { r.params.filter { $0.key != "shard" && !perPromptParams.contains($0.key) } }
    for (i, shard) in shards.enumerated().dropFirst() {
      guard shard.kind == out.kind, shard.axes == out.axes, shard.model == out.model,
        shard.metric?.name == out.metric?.name, comparable(shard) == comparable(out)
      else { throw AnalysisError.incompatibleShards("shard \(i) differs from shard 0 in kind, axes, model, metric or params") }
      guard let sums = shard.sums else { throw AnalysisError.incompatibleShards("shard \(i) has no sums") }
      statistics = try statistics.merged(with: sums)
      if let p = shard.perPrompt { rows.append(p) }
      elapsed += shard.elapsedMs
      complete = complete && shard.complete
    }
    var perPrompt: ResultGrid?
    if rows.count == shards.count, let first = rows.first {
      let inner = Array(first.shape.dropFirst())
      perPrompt = ResultGrid(shape: [rows.map { $0.shape[0] }.reduce(0, +)] + inner, cells: rows.flatMap(\.cells))
    }
    out.attach(statistics, perPrompt: perPrompt)
    // The metric's baselines are means over each shard's prompts: weight them by prompt count.
    func pooled(_ value: (MetricSummary) -> Double?) -> Double? {
      let parts = shards.compactMap { shard in shard.metric.flatMap(value).map { ($0, Double(shard.count ?? 0)) } }
      guard parts.count == shards.count, statistics.count > 0 else { return nil }
      return parts.map { $0.0 * $0.1 }.reduce(0, +) / Double(statistics.count)
    }
    out.metric?.clean = pooled(\.clean)
    out.metric?.corrupted = pooled(\.corrupted)
    out.params["shard"] = nil
    for key in perPromptParams {
      let lists = shards.compactMap { $0.params[key]?.arrayValue }
      if lists.count == shards.count { out.params[key] = .array(lists.flatMap { $0 }) }
    }
    out.elapsedMs = elapsed
    out.complete = complete
    return out
  }

  /// Checks the invariants the JSON schema cannot: every grid has the axes' shape, labels match
  /// counts, dataset fields come together.
  public func validate() throws {
    guard format == AnalysisResult.formatName else { throw AnalysisError.invalidResult("format is \(format.debugDescription), expected \(AnalysisResult.formatName)") }
    guard values.shape == shape else { throw AnalysisError.invalidResult("\(kind): values have shape \(values.shape) but the axes give \(shape)") }
    if let stderr, stderr.shape != shape { throw AnalysisError.invalidResult("\(kind): stderr has shape \(stderr.shape), values \(shape)") }
    if let sums {
      guard sums.shape == shape, count == sums.count else { throw AnalysisError.invalidResult("\(kind): sums do not match the values or count") }
    }
    if let perPrompt, Array(perPrompt.shape.dropFirst()) != shape || perPrompt.shape.first != count {
      throw AnalysisError.invalidResult("\(kind): per_prompt has shape \(perPrompt.shape), expected [\(count.map(String.init) ?? "count")] + \(shape)")
    }
    // A complete result has no null cell, except the cells its params list under `not_computed`
    // (cells the method does not define, e.g. path patching from a head that cannot reach the
    // receivers).
    let undefined = params["not_computed"]?.arrayValue?.count ?? 0
    if complete, values.missingCount != undefined, values.missingCount > 0 {
      throw AnalysisError.invalidResult("\(kind): marked complete but \(values.missingCount) cells are null (\(undefined) listed in not_computed)")
    }
  }

  enum CodingKeys: String, CodingKey {
    case format, kind, metric, axes, values, stderr, count, sums, params, model, complete, graph
    case perPrompt = "per_prompt"
    case elapsedMs = "elapsed_ms"
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    format = try c.decode(String.self, forKey: .format)
    guard format == AnalysisResult.formatName else {
      throw DecodingError.dataCorruptedError(forKey: .format, in: c, debugDescription: "unsupported result format \(format.debugDescription); this HeadLab reads \(AnalysisResult.formatName)")
    }
    kind = try c.decode(String.self, forKey: .kind)
    metric = try c.decodeIfPresent(MetricSummary.self, forKey: .metric)
    axes = try c.decode([ResultAxis].self, forKey: .axes)
    values = try c.decode(ResultGrid.self, forKey: .values)
    stderr = try c.decodeIfPresent(ResultGrid.self, forKey: .stderr)
    perPrompt = try c.decodeIfPresent(ResultGrid.self, forKey: .perPrompt)
    count = try c.decodeIfPresent(Int.self, forKey: .count)
    sums = try c.decodeIfPresent(DatasetStatistics.self, forKey: .sums)
    params = try c.decode([String: JSONValue].self, forKey: .params)
    model = try c.decode(ModelIdentity.self, forKey: .model)
    elapsedMs = try c.decode(Int.self, forKey: .elapsedMs)
    complete = try c.decode(Bool.self, forKey: .complete)
    graph = try c.decodeIfPresent(JSONValue.self, forKey: .graph)
  }
}

extension AnalysisResult {
  /// The JSON text of one result: sorted keys, so equal results give equal bytes.
  public func jsonData() throws -> Data { try ResultJSON.encoder().encode(self) }

  /// A list of results (a detector run) as one JSON array.
  public static func jsonData(_ results: [AnalysisResult]) throws -> Data { try ResultJSON.encoder().encode(results) }

  public static func decode(_ data: Data) throws -> AnalysisResult { try JSONDecoder().decode(AnalysisResult.self, from: data) }
  public static func decodeList(_ data: Data) throws -> [AnalysisResult] { try JSONDecoder().decode([AnalysisResult].self, from: data) }
}

enum ResultJSON {
  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }
}

extension AnalysisResult {
  /// Row-major cell `flat` named by its axes' labels, e.g. `layer=2 head=1` (empty for a scalar).
  public func cellName(_ flat: Int) -> String {
    zip(axes, ResultGrid.index(ofCell: flat, shape: values.shape)).map { "\($0.name)=\($0.labels[$1])" }.joined(separator: " ")
  }
}
