import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab merge OUT PARTS...`: combines the parts of a sharded run into the single run's result.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge the JSON outputs of a sharded run (--shard i/n) into the result one run gives (Float64 sums, per-prompt values concatenated).",
    discussion: "A part is a headlab.result/1 object, a list of them, or JSON lines of either (what `headlab batch --shard i/n` prints: one line per dataset-level command). The parts hold the same results in the same order; OUT holds the merged results in that order.")

  @Argument(help: "The merged result file to write.")
  var out: String

  @Argument(help: "The parts, in shard order 0/n, 1/n, ….")
  var parts: [String]

  func validate() throws {
    if parts.isEmpty { throw ValidationError("give the parts to merge") }
  }

  func run() throws {
    try reportingErrors {
      let lists = try parts.map { path -> [AnalysisResult] in
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw ValidationError("cannot read the part \(path)") }
        return try Self.results(in: data, path: path)
      }
      let merged = try ShardSpec.merge(lists)
      for result in merged { try result.validate() }
      let data = merged.count == 1 ? try merged[0].jsonData() : try AnalysisResult.jsonData(merged)
      try data.write(to: URL(fileURLWithPath: out), options: .atomic)
      print("merged \(parts.count) parts into \(out): \(merged.map { "\($0.kind) over \($0.count ?? 0) prompts" }.joined(separator: ", "))")
    }
  }

  /// The results of one part: one JSON document (an object or a list), or JSON lines of them.
  static func results(in data: Data, path: String) throws -> [AnalysisResult] {
    if let list = try? AnalysisResult.decodeList(data) { return list }
    if let one = try? AnalysisResult.decode(data) { return [one] }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
    guard lines.count > 1 else { return [try decodeOne(data, path: path, line: nil)] }
    return try lines.enumerated().flatMap { i, line -> [AnalysisResult] in
      let bytes = Data(line.utf8)
      if let list = try? AnalysisResult.decodeList(bytes) { return list }
      return [try decodeOne(bytes, path: path, line: i + 1)]
    }
  }

  static func decodeOne(_ data: Data, path: String, line: Int?) throws -> AnalysisResult {
    do { return try AnalysisResult.decode(data) } catch {
      throw ValidationError("\(path)\(line.map { " line \($0)" } ?? "") is not a headlab.result/1 object or list: \(error)")
    }
  }
}
