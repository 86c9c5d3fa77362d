import CircuitAnalysis
import TransformerEngine
import XCTest

/// A 4-way sharded dataset-level run, merged, equals the single run bit for bit (shards are whole
/// blocks of prompts, and every run processes the same blocks), with the same params (per-prompt
/// lists concatenated in shard order); the metric's pooled baselines agree within rounding.
final class ShardMergeTests: XCTestCase {
  func testFourShardsMergeIntoTheSingleRun() throws {
    let subject = try TinySubject.load()
    var rng = SplitMix64(seed: 11)
    let rows = (0..<37).map { _ in [0] + (0..<7).map { _ in Int(rng.next() % 300) + 1 } }
    let pairs = try PromptPairBatch(
      clean: rows, corrupted: rows.map { [$0[0], ($0[1] + 7) % 300 + 1] + $0.dropFirst(2) }, answers: rows.map { $0[3] }, wrongs: rows.map { $0[4] },
      tokenText: subject.tokenText)
    for method in [RelevanceMethod.ablation, .patching, .gradient] {
      var single = try HeadRelevance.scores(method, subject: subject, groups: [pairs], perPrompt: true)[0]
      let shards = try (0..<4).map { i -> AnalysisResult in
        var r = try HeadRelevance.scores(method, subject: subject, groups: [try pairs.shard(i, of: 4)], perPrompt: true)[0]
        r.params["shard"] = .string("\(i)/4")
        return r
      }
      var merged = try AnalysisResult.merging(shards)
      XCTAssertEqual(merged.sums, single.sums, method.rawValue)
      XCTAssertEqual(merged.values, single.values, method.rawValue)
      XCTAssertEqual(merged.count, 37)
      func close(_ a: [Double?], _ b: [Double?], _ what: String) {
        XCTAssertEqual(a.count, b.count, what)
        for (x, y) in zip(a, b) { XCTAssertEqual(x!, y!, accuracy: 1e-6 + 1e-6 * abs(y!), "\(method.rawValue) \(what)") }
      }
      close(merged.values.numbers, single.values.numbers, "values")
      close(try XCTUnwrap(merged.stderr).numbers, try XCTUnwrap(single.stderr).numbers, "stderr")
      close(try XCTUnwrap(merged.perPrompt).numbers, try XCTUnwrap(single.perPrompt).numbers, "per_prompt")
      merged.elapsedMs = 0
      single.elapsedMs = 0
      XCTAssertEqual(merged.params, single.params, method.rawValue)
      XCTAssertEqual(try XCTUnwrap(merged.metric?.clean), try XCTUnwrap(single.metric?.clean), accuracy: 1e-6 * abs(single.metric!.clean!) + 1e-6)
    }
    XCTAssertThrowsError(try pairs.shard(4, of: 4))
    XCTAssertThrowsError(try pairs.shard(0, of: 20)) { XCTAssertTrue("\($0)".contains("is empty"), "\($0)") }
  }
}
