import CircuitAnalysis
import Corpus
import Foundation
import Tokenizers
import TransformerEngine
import XCTest

/// The head detectors on the embedded default model, which was trained on repeated sequences: it
/// must have an induction head (detect_head "mul" >= 0.5 on [BOS] + r + r, BOS excluded as
/// papers.md section 9 says to score content heads). Prints the top heads by every score.
///
/// Its static succession score stays far below 0.8 for every head (best 0.042; see the printed
/// report; E' + W_E gives the same, MLP0 without ln2 at most 0.12): direct logit attribution on
/// "12, 13, 14," -> " 15" vs " 14" puts 9.4 of the 9.8 logit difference on mlp0 at the final
/// separator (12.5 of 15.0 on "January, February, March,"), so this model computes successors
/// in its MLPs rather than in a head's OV circuit. `PlantedOVHeadTests` checks that the score
/// finds a successor head where one exists.
final class DefaultModelHeadDetectorTests: XCTestCase {
  struct DefaultSubject {
    let subject: AnalysisSubject
    let tokenizer: BPETokenizer
  }

  func defaultSubject() throws -> DefaultSubject { try Self.loadDefault() }

  static func loadDefault() throws -> DefaultSubject {
    let directory = try XCTUnwrap(DefaultModel.directory, "no embedded default model")
    let model = try ModelLoader.load(ModelDirectory(url: directory)).0
    let tokenizer = try BPETokenizer.load(directory: directory)
    let identity = ModelIdentity(name: "default", sha256: try ModelIdentity.checksum(of: ModelDirectory(url: directory)))
    return DefaultSubject(subject: AnalysisSubject(model: model, identity: identity, tokenText: { tokenizer.decode([$0]) }), tokenizer: tokenizer)
  }

  /// The id of " word" when it is one token, else nil.
  func singleToken(_ word: String, _ tokenizer: BPETokenizer) -> Int? {
    let ids = tokenizer.encode(" " + word)
    return ids.count == 1 ? ids[0] : nil
  }

  /// Gould et al.'s eight tasks (papers.md section 2) as the dataset layer builds them.
  func successorTasks(_ tokenizer: BPETokenizer) throws -> [SuccessorTask] {
    try SuccessorTokenSets(tokenizer: tokenizer).successorTasks
  }

  /// [BOS] + r + r, r `half` seeded random ids (not BOS), `count` rows. The default model was
  /// trained on 64-token sequences, so half = 25 keeps the 51 tokens inside what it has seen.
  static func repeatedTokens(count: Int, half: Int, vocabulary: Int, bos: Int, seed: UInt64) -> [[Int]] {
    var state = seed
    func next() -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int((state >> 33) % UInt64(vocabulary))
    }
    return (0..<count).map { _ in
      var r = [Int]()
      while r.count < half { let id = next(); if id != bos { r.append(id) } }
      return [bos] + r + r
    }
  }

  func top(_ result: AnalysisResult, _ n: Int = 3) -> String {
    let NH = result.axes.last!.count
    let cells = result.values.numbers.suffix(result.axes[result.axes.count - 2].count * NH)
    return cells.enumerated().sorted { $0.element! > $1.element! }.prefix(n)
      .map { "\($0.offset / NH).\($0.offset % NH)=\(String(format: "%.3f", $0.element!))" }.joined(separator: " ")
  }

  func testDefaultModelHasAnInductionHeadAndReportsEveryScore() throws {
    let d = try defaultSubject()
    let bos = try XCTUnwrap(d.tokenizer.endOfTextID)
    let sequences = Self.repeatedTokens(count: 10, half: 25, vocabulary: d.subject.config.vocabularySize, bos: bos, seed: 12)
    let tasks = try successorTasks(d.tokenizer)
    let names = Lexicon.names.compactMap { singleToken($0, d.tokenizer) }
    XCTAssertGreaterThanOrEqual(tasks.count, 6, "successor tasks with a single-token pair")
    XCTAssertGreaterThanOrEqual(names.count, 20, "single-token names")
    let inputs = HeadDetectorInputs(sequences: sequences, successorTasks: tasks, copyTokens: Array(Set(names)).sorted(), scoring: PatternScoring(excludeBOS: true))
    let results = try HeadDetectors.run(d.subject, inputs: inputs)
    for result in results { try result.validate() }
    var report = ["default model, top heads (mul, exclude_bos; E' = mlp0(ln2_0(W_E)))"]
    for result in results where result.kind != "detect.successor.per_task" { report.append("  \(result.kind): \(top(result))") }
    let perTask = try XCTUnwrap(results.first { $0.kind == "detect.successor.per_task" })
    let L = d.subject.layers, NH = d.subject.heads
    for (k, task) in perTask.axes[0].labels.enumerated() {
      let row = perTask.values.numbers[(k * L * NH)..<((k + 1) * L * NH)].map { $0! }
      let best = row.indices.max { row[$0] < row[$1] }!
      report.append("    successor \(task) (\(tasks[k].tokens.compactMap { $0 }.count) tokens): best \(best / NH).\(best % NH)=\(String(format: "%.3f", row[best]))")
    }
    for scoring in [PatternScoring(), PatternScoring(errorMeasure: .abs, excludeBOS: true, excludeCurrentToken: true)] {
      let more = try HeadDetectors.run(d.subject, detectors: [.previousToken, .duplicateToken, .induction], inputs: HeadDetectorInputs(sequences: sequences, scoring: scoring))
      for result in more { report.append("  \(result.kind) (\(scoring.errorMeasure), exclude_bos \(scoring.excludeBOS), exclude_current \(scoring.excludeCurrentToken)): \(top(result))") }
    }
    let plus = try HeadDetectors.run(d.subject, detectors: [.successor, .copy, .negativeCopy], inputs: HeadDetectorInputs(successorTasks: tasks, copyTokens: inputs.copyTokens, addingTokenEmbedding: true))
    for result in plus where result.kind != "detect.successor.per_task" { report.append("  \(result.kind) (E' + W_E): \(top(result))") }
    print(report.joined(separator: "\n"))

    let induction = try XCTUnwrap(results.first { $0.kind == "detect.induction" })
    XCTAssertGreaterThanOrEqual(induction.values.numbers.map { $0! }.max()!, 0.5, "an induction head: \(top(induction))")
  }

  /// On an IOI prompt the DLA terms sum to the logit difference, and the logit lens's last row is
  /// the model's own prediction of the indirect object.
  func testDirectLogitAttributionAndLensOnAnIOIPrompt() throws {
    let d = try defaultSubject()
    let bos = try XCTUnwrap(d.tokenizer.endOfTextID)
    let tokens = [bos] + d.tokenizer.encode("When Mary and John went to the store, John gave a drink to")
    let mary = try XCTUnwrap(singleToken("Mary", d.tokenizer)), john = try XCTUnwrap(singleToken("John", d.tokenizer))
    let dla = try DirectLogitAttribution.run(d.subject, tokens: tokens, answer: mary, wrong: john)
    let clean = try XCTUnwrap(dla[0].metric?.clean)
    XCTAssertGreaterThan(clean, 1, "the default model prefers Mary")
    XCTAssertEqual(dla[0].values.numbers.reduce(0.0) { $0 + $1! }, clean, accuracy: 1e-4, "DLA terms sum to the logit difference")
    let lens = try LogitLens.run(d.subject, tokens: tokens, answer: mary, topK: 3)
    XCTAssertEqual(lens[0].values[d.subject.layers, 2], .number(0), "Mary is the top token after the last layer")
    XCTAssertEqual(lens[1].values[d.subject.layers, 0], .token(" Mary"))
    XCTAssertEqual(lens[0].values[d.subject.layers, 0].number!, Double(try d.subject.model.forward([tokens]).values[mary]), accuracy: 1e-4, "the lens's last row is the logits")
    let heads = dla[1].values.numbers.map { $0! }
    let best = heads.indices.max { heads[$0] < heads[$1] }!
    print("default model IOI DLA: logit diff \(String(format: "%.3f", clean)); top head \(best / d.subject.heads).\(best % d.subject.heads)=\(String(format: "%.3f", heads[best]))")
  }
}
