import CircuitAnalysis
import Foundation
import Tokenizers
import TransformerEngine
import XCTest

/// Opt-in timings of issue 16's speed bar on a GPT-2-small-size model: set HEADLAB_BENCH_WEIGHTS
/// to its directory (`python3 scripts/make_gpt2_small_random.py` writes scratch/gpt2-small-random)
/// and run one test per process so each peak is its own. Prints seconds and peak RSS; asserts
/// nothing about time.
final class WeightRelationsBenchmarkTests: XCTestCase {
  func load() throws -> (AnalysisSubject, BPETokenizer) {
    guard let path = ProcessInfo.processInfo.environment["HEADLAB_BENCH_WEIGHTS"] else { throw XCTSkip("set HEADLAB_BENCH_WEIGHTS to a GPT-2-small-size model directory") }
    let directory = ModelDirectory(url: URL(fileURLWithPath: path))
    let model = try ModelLoader.load(directory).0
    let tokenizer = try BPETokenizer.load(directory: directory.url)
    return (AnalysisSubject(model: model, identity: ModelIdentity(name: "bench", sha256: String(repeating: "0", count: 64)), tokenText: { tokenizer.tokenText($0) }), tokenizer)
  }

  func report(_ name: String, _ body: () throws -> [AnalysisResult]) rethrows {
    let before = peakMiB()
    let start = Date()
    let results = try body()
    let seconds = Date().timeIntervalSince(start)
    print("bench \(name): \(String(format: "%.2f", seconds)) s, peak RSS \(String(format: "%.0f", peakMiB())) MiB (\(String(format: "%.0f", before)) MiB after loading)")
    XCTAssertFalse(results.isEmpty)
  }

  func peakMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
  }

  func testCopyScoresOver2000Tokens() throws {
    let (subject, _) = try load()
    try report("copy scores, 144 heads x 2,000 tokens, top 5 of the full vocabulary") { try WeightRelationsBenchmark.copyScores(subject: subject) }
  }

  /// The worst case: k = half the vocabulary, so no row drops out before the last block.
  func testCopyScoresWorstCase() throws {
    let (subject, _) = try load()
    let k = subject.config.vocabularySize / 2
    try report("copy scores, 144 heads x 2,000 tokens, top \(k) (no row drops out)") { try WeightRelationsBenchmark.copyScores(subject: subject, topK: k) }
  }

  func testOneMAPSRelation() throws {
    let (subject, tokenizer) = try load()
    try report("MAPS relation 'successor'") { try WeightRelationsBenchmark.mapsRelation(subject: subject, tokenizer: tokenizer) }
  }

  func testDecompositionOfOneHead() throws {
    let (subject, tokenizer) = try load()
    let prompt = tokenizer.encode("When Mary and John went to the store, John gave a drink to", prependBOS: true)
    try report("sparse attention decomposition of head 9.9 on \(prompt.count) tokens") {
      var settings = AttentionDecompositionSettings()
      settings.firingThreshold = 0.05  // random weights: patterns are spread out
      return try SparseAttentionDecomposition.run(subject: subject, head: HeadIndex(9, 9), prompt: prompt, settings: settings)
    }
  }
}
