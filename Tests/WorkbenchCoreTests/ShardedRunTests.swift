import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// Dataset-level commands split into shards (`shard=i/n`) and merged (`ShardSpec.merge`, what
/// `headlab merge` runs) give the single run's result: absolute 1e-6 + relative 1e-6 on every
/// value, standard error and per-prompt value, and the same count and per-prompt parameters.
final class ShardedRunTests: XCTestCase {
  func results(_ line: String, on workbench: Workbench) throws -> [AnalysisResult] {
    guard case .results(let list) = try workbench.execute(line: line) else {
      XCTFail("\(line) gave a message, not results")
      return []
    }
    return list
  }

  /// The n parts of `line` run with `shard=i/n`, merged.
  func merged(_ line: String, shards n: Int, on workbench: Workbench) throws -> [AnalysisResult] {
    let parts = try (0..<n).map { try results("\(line) shard=\($0)/\(n)", on: workbench) }
    for (i, part) in parts.enumerated() { XCTAssertEqual(part.first?.params["shard"], .string("\(i)/\(n)")) }
    return try ShardSpec.merge(parts)
  }

  func assertSameRun(_ merged: AnalysisResult, _ single: AnalysisResult, file: StaticString = #filePath, line: UInt = #line) throws {
    XCTAssertEqual(merged.kind, single.kind, file: file, line: line)
    XCTAssertEqual(merged.count, single.count, file: file, line: line)
    XCTAssertEqual(merged.params["clean_ids"], single.params["clean_ids"], file: file, line: line)
    XCTAssertEqual(merged.params["dataset"], single.params["dataset"], file: file, line: line)
    let pairs = [(merged.values, single.values), (try XCTUnwrap(merged.stderr), try XCTUnwrap(single.stderr))]
      + (single.perPrompt.map { [(merged.perPrompt ?? ResultGrid(missing: [0]), $0)] } ?? [])
    for (a, b) in pairs {
      XCTAssertEqual(a.shape, b.shape, file: file, line: line)
      for (x, y) in zip(a.numbers, b.numbers) {
        let (x, y) = (try XCTUnwrap(x), try XCTUnwrap(y))
        XCTAssertEqual(x, y, accuracy: 1e-6 + 1e-6 * abs(y), "\(single.kind)", file: file, line: line)
      }
    }
    XCTAssertEqual(try XCTUnwrap(merged.metric?.clean), try XCTUnwrap(single.metric?.clean), accuracy: 1e-6 + 1e-6 * abs(single.metric!.clean!), file: file, line: line)
  }

  /// Mean ablation of each head over 40 IOI prompts (5 blocks of 8: shards of 1, 1, 1 and 2
  /// blocks), 4 shards merged against the single run. The reference mean is the whole dataset's
  /// in every shard; a shard that took its own prompts' mean would differ.
  func testFourShardsOfMeanAblationMergeIntoTheSingleRun() throws {
    let workbench = Workbench()
    let line = "ablate each dataset=ioi count=40 mode=mean seed=3"
    let single = try results(line, on: workbench)
    XCTAssertEqual(single.map(\.kind), ["ablate.each_head"])
    XCTAssertEqual(single[0].count, 40)
    XCTAssertEqual(single[0].params["mode"], "mean")
    XCTAssertEqual(single[0].params["reference"], "ioi corrupted prompts")
    let merged = try merged(line, shards: 4, on: workbench)
    XCTAssertEqual(merged.count, 1)
    try assertSameRun(merged[0], single[0])
    // The ablation moves the metric: a merge of unablated numbers would not pass.
    let spread = single[0].values.numbers.compactMap { $0 }.map { abs($0 - single[0].metric!.clean!) }.max() ?? 0
    XCTAssertGreaterThan(spread, 0.05)
  }

  /// Relevance (zero-ablation scores with per-prompt values): 4 shards merged equal the single
  /// run's scores; a shard returns only the mergeable scores, not the relevance vector.
  func testFourShardsOfRelevanceMergeIntoTheSingleRun() throws {
    let workbench = Workbench()
    let line = "relevance ioi method=ablation count=40 prompts=yes"
    let single = try results(line, on: workbench)
    XCTAssertEqual(single.map(\.kind), ["relevance.ablation", "relevance.hrv"])
    let merged = try merged(line, shards: 4, on: workbench)
    XCTAssertEqual(merged.map(\.kind), ["relevance.ablation"])
    try assertSameRun(merged[0], single[0])
    XCTAssertEqual(merged[0].perPrompt?.shape, [40, 4, 4])
  }

  /// `headlab batch --shard i/n` sets the workbench's shard: every dataset-level command without a
  /// `shard=` of its own runs that shard; ablation on the prompt is not split.
  func testTheWorkbenchShardAppliesToDatasetLevelCommands() throws {
    let workbench = Workbench()
    workbench.shard = try ShardSpec(parsing: "1/4")
    let ablated = try results("ablate 0.0 dataset=induction count=32", on: workbench)
    XCTAssertEqual(ablated[0].params["shard"], "1/4")
    XCTAssertEqual(ablated[0].count, 8)
    let own = try results("relevance induction method=ablation count=32 shard=0/2", on: workbench)
    XCTAssertEqual(own[0].params["shard"], "0/2")
    XCTAssertEqual(own[0].count, 16)
    _ = try workbench.execute(line: #"prompt "When Mary and John went to the store, John gave a drink to""#)
    _ = try workbench.execute(line: #"answer " Mary" " John""#)
    XCTAssertNil(try results("ablate 0.0", on: workbench)[0].params["shard"])
  }

  func testShardErrorsNameTheValue() throws {
    let workbench = Workbench()
    let cases: [(String, String, Int)] = [
      ("relevance ioi shard=4/4", "'4/4' is not a shard", 21),
      ("relevance ioi shard=one", "is not a shard", 21),
      ("ablate each shard=0/2", "give dataset=NAME", 19),
      ("relevance ioi count=9 shard=1/2", "too few", 0),
      ("relevance ioi count=16 shard=0/2 weakening=yes", "unsharded", 0),
    ]
    for (line, message, column) in cases {
      XCTAssertThrowsError(try workbench.execute(line: line), line) { error in
        XCTAssertTrue("\(error)".contains(message), "\(line): \(error)")
        if column > 0 { XCTAssertEqual((error as? CommandParseError)?.column, column, "\(line): \(error)") }
      }
    }
  }
}
