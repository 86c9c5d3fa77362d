import CircuitAnalysis

/// `i/n`: shard i (0-based, as `$SLURM_ARRAY_TASK_ID` and `$JOB_COMPLETION_INDEX` count) of n.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
  public let index: Int
  public let count: Int

  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
      throw AnalysisError.invalidArgument("'\(text)' is not a shard: write i/n with 0 <= i < n, e.g. 0/4 ($SLURM_ARRAY_TASK_ID/4)")
    }
    index = i
    count = n
  }

  public var description: String { "\(index)/\(count)" }

  /// This shard of a dataset-level run's results: only the results with per-prompt sums, which
  /// `headlab merge` combines (derived results such as a relevance vector are recomputed from the
  /// merged scores, not merged).
  public static func mergeable(_ results: [AnalysisResult], shard: ShardSpec) -> [AnalysisResult] {
    results.filter { $0.sums != nil }.map { result in
      var r = result
      r.params["shard"] = .string(shard.description)
      return r
    }
  }

  /// Merges the parts of a sharded run (each a list of results, in shard order) kind by kind.
  public static func merge(_ parts: [[AnalysisResult]]) throws -> [AnalysisResult] {
    guard let first = parts.first else { throw AnalysisError.incompatibleShards("no parts given") }
    for (i, part) in parts.enumerated() where part.map(\.kind) != first.map(\.kind) {
      throw AnalysisError.incompatibleShards("part \(i) holds \(part.map(\.kind)), part 0 \(first.map(\.kind))")
    }
    let shards = parts.compactMap { $0.first?.params["shard"]?.stringValue }
    if shards.count == parts.count {
      let expected = (0..<parts.count).map { "\($0)/\(parts.count)" }
      guard shards == expected else {
        throw AnalysisError.incompatibleShards("the parts are shards \(shards); give all \(parts.count) shards, in order \(expected)")
      }
    }
    return try first.indices.map { k in try AnalysisResult.merging(parts.map { $0[k] }) }
  }
}
