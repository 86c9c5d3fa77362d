import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab merge OUT PARTS...`: combines the parts of a sharded run into the single run's result.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge the JSON outputs of a sharded run (--shard i/n) into the result one run gives (Float64 sums, per-prompt values concatenated).")

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
        do {
          if let list = try? AnalysisResult.decodeList(data) { return list }
          return [try AnalysisResult.decode(data)]
        } catch {
          throw ValidationError("\(path) is not a headlab.result/1 object or list: \(error)")
        }
      }
      let merged = try ShardSpec.merge(lists)
      for result in merged { try result.validate() }
      let data = merged.count == 1 ? try merged[0].jsonData() : try AnalysisResult.jsonData(merged)
      try data.write(to: URL(fileURLWithPath: out), options: .atomic)
      print("merged \(parts.count) parts into \(out): \(merged.map { "\($0.kind) over \($0.count ?? 0) prompts" }.joined(separator: ", "))")
    }
  }
}
