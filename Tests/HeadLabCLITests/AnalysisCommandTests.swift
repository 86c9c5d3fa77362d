import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import Tokenizers
import TransformerEngine
import XCTest

/// The analysis subcommands on the embedded default model: JSON output is a valid
/// headlab.result/1 object, tables print, and bad input gives one error line naming the culprit.
final class AnalysisCommandTests: XCTestCase {
  let clean = "When Mary and John went to the store, John gave a drink to"
  let corrupted = "When Mary and John went to the store, Mary gave a drink to"

  func headlab(_ arguments: [String]) throws -> HeadLabBinary.Output { try HeadLabBinary.run(arguments) }

  func result(_ arguments: [String]) throws -> AnalysisResult {
    let out = try headlab(arguments + ["--json"])
    XCTAssertEqual(out.status, 0, out.stderr)
    let r = try AnalysisResult.decode(Data(out.stdout.utf8))
    try r.validate()
    return r
  }

  func assertOneLineError(_ arguments: [String], naming culprit: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let out = try headlab(arguments)
    XCTAssertEqual(out.status, 2, "exit status; stderr: \(out.stderr)", file: file, line: line)
    XCTAssertTrue(out.stderr.hasPrefix("headlab: error: "), out.stderr, file: file, line: line)
    XCTAssertTrue(out.stderr.contains(culprit), "'\(culprit)' not in: \(out.stderr)", file: file, line: line)
  }

  func testPatchPrintsAResultTheDefaultModelRestores() throws {
    let r = try result(["patch", "--clean", clean, "--corrupted", corrupted, "--answer", " Mary", "--wrong", " John", "--sweep", "resid_pre", "--normalise"])
    XCTAssertEqual(r.kind, "patch.resid_pre")
    XCTAssertEqual(r.shape, [4, 15])
    XCTAssertEqual(r.metric?.answer, " Mary")
    XCTAssertGreaterThan(try XCTUnwrap(r.metric?.clean), 2, "the default model does IOI")
    XCTAssertLessThan(try XCTUnwrap(r.metric?.corrupted), 0)
    // Patching the whole residual stream at the only differing position (10) in layer 0 restores
    // the clean run exactly: score 1; position 0 (BOS) changes nothing: score 0.
    XCTAssertEqual(try XCTUnwrap(r.values[0, 10].number), 1, accuracy: 1e-5)
    XCTAssertEqual(try XCTUnwrap(r.values[0, 0].number), 0, accuracy: 1e-5)
    XCTAssertEqual(r.params["clean_ids"]?.arrayValue?.count, 15)
    XCTAssertEqual(r.model.sha256.count, 64)
    let table = try headlab(["patch", "--clean", clean, "--corrupted", corrupted, "--answer", " Mary", "--wrong", " John", "--sweep", "attn_head_out_all_pos"])
    XCTAssertTrue(table.stdout.hasPrefix("patch.attn_head_out_all_pos  |  logit_diff answer \" Mary\" wrong \" John\""), table.stdout)
    XCTAssertTrue(table.stdout.contains("layer\\head"), table.stdout)
  }

  func testAtpAblateAndRelevance() throws {
    let atp = try result(["atp", "--clean", clean, "--corrupted", corrupted, "--answer", " Mary", "--wrong", " John", "--sweep", "attn_head_out_all_pos"])
    XCTAssertEqual(atp.kind, "atp.attn_head_out_all_pos")
    let ablate = try result(["ablate", "--prompt", clean, "--answer", " Mary", "--wrong", " John", "--each-head", "--mode", "mean", "--reference", "ioi", "--reference-count", "60"])
    XCTAssertEqual(ablate.shape, [4, 4])
    XCTAssertEqual(ablate.params["mode"], "mean")
    let set = try result(["ablate", "--prompt", clean, "--answer", " Mary", "--wrong", " John", "--heads", "0.0,1.1"])
    XCTAssertEqual(set.shape, [])
    let out = try headlab(["relevance", "--dataset", "induction", "--count", "4", "--method", "gradient", "--per-prompt", "--json"])
    XCTAssertEqual(out.status, 0, out.stderr)
    let list = try AnalysisResult.decodeList(Data(out.stdout.utf8))
    XCTAssertEqual(list.map(\.kind), ["relevance.gradient", "relevance.gradient.normalised", "relevance.hrv"])
    XCTAssertEqual(list[0].count, 4)
    XCTAssertEqual(list[0].perPrompt?.shape, [4, 4, 4])
    for r in list { try r.validate() }
  }

  /// `headlab ioi` prints the IOI report's six results as JSON, and a table without --json.
  func testIOIReport() throws {
    let out = try headlab(["ioi", "--count", "8", "--seed", "1", "--json"])
    XCTAssertEqual(out.status, 0, out.stderr)
    let list = try AnalysisResult.decodeList(Data(out.stdout.utf8))
    XCTAssertEqual(list.map(\.kind), ["ioi.report", "ioi.heads", "ioi.classes", "ioi.circuit", "ioi.completeness", "ioi.minimality"])
    for r in list { try r.validate() }
    XCTAssertEqual(list[0].params["seed"], .integer(1))
    let text = try headlab(["ioi", "--count", "8"])
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertTrue(text.stdout.contains("faithfulness F(C)/F(M)"), text.stdout)
    XCTAssertTrue(text.stdout.contains("name_mover"), text.stdout)
  }

  func testLensDLAAndDetect() throws {
    let out = try headlab(["lens", "--prompt", clean, "--answer", " Mary", "--json"])
    XCTAssertEqual(out.status, 0, out.stderr)
    let lens = try AnalysisResult.decodeList(Data(out.stdout.utf8))
    XCTAssertEqual(lens.first?.kind, "lens")
    XCTAssertEqual(lens.first?.values[4, 2].number, 0, "the default model ranks Mary first at the end")
    let dlaOut = try headlab(["dla", "--prompt", clean, "--answer", " Mary", "--wrong", " John", "--json"])
    XCTAssertEqual(dlaOut.status, 0, dlaOut.stderr)
    let dla = try XCTUnwrap(try AnalysisResult.decodeList(Data(dlaOut.stdout.utf8)).first { $0.kind == "dla" })
    let total = dla.values.numbers.map { $0! }.reduce(0, +)
    XCTAssertEqual(total, try XCTUnwrap(dla.metric?.clean), accuracy: 1e-4, "the terms sum to the logit difference")
    let detectOut = try headlab(["detect", "--detector", "induction", "--detector", "previous_token", "--json"])
    XCTAssertEqual(detectOut.status, 0, detectOut.stderr)
    let detected = try AnalysisResult.decodeList(Data(detectOut.stdout.utf8))
    XCTAssertEqual(detected.map(\.kind), ["detect.induction", "detect.previous_token"])
    XCTAssertGreaterThanOrEqual(detected[0].values.numbers.compactMap { $0 }.max() ?? 0, 0.5)
    try assertOneLineError(["detect", "--detector", "inductoin"], naming: "unknown detector 'inductoin'")
  }

  /// `headlab trace`: the JSON result carries the kept circuit; the table prints; bad input is refused.
  func testTracePrintsACircuitAndRefusesBadInput() throws {
    let r = try result(["trace", "--dataset", "ioi", "--count", "8", "--method", "eap", "--keep", "10"])
    XCTAssertEqual(r.kind, "trace.eap")
    XCTAssertEqual(try CircuitGraph(json: try XCTUnwrap(r.graph)).edges.count, 10)
    let table = try headlab(["trace", "--dataset", "ioi", "--count", "4", "--method", "eap-ig", "--steps", "2", "--split"])
    XCTAssertEqual(table.status, 0, table.stderr)
    XCTAssertTrue(table.stdout.contains("trace.eap-ig"), table.stdout)
    let negative = try headlab(["trace", "--dataset", "ioi", "--threshold", "-1"])
    XCTAssertNotEqual(negative.status, 0)
    XCTAssertTrue(negative.stderr.contains("--threshold"), negative.stderr)
    try assertOneLineError(["trace", "--dataset", "ioi", "--method", "acdcc"], naming: "acdcc")
  }

  /// Causal head gating from the command line is the catalog's `chg`: the same labels.
  func testCHGFromTheCommandLine() throws {
    let out = try headlab(["chg", "--dataset", "ioi", "--count", "8", "--restarts", "1", "--updates", "5", "--seed", "3", "--json"])
    XCTAssertEqual(out.status, 0, out.stderr)
    let results = try AnalysisResult.decodeList(Data(out.stdout.utf8))
    XCTAssert(results.contains { $0.kind == "chg.labels" }, "\(results.map(\.kind))")
    let bad = try headlab(["chg", "--dataset", "ioi", "--updates", "0"])
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertTrue(bad.stderr.contains("--updates"), bad.stderr)
  }

  /// ACDC from the command line, with the circuit written as DOT beside the JSON.
  func testTraceByACDCWritesDOT() throws {
    let folder = try HeadLabBinary.temporaryDirectory("headlab-trace-dot")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dot = folder.appendingPathComponent("circuit.dot")
    let r = try result(["trace", "--dataset", "ioi", "--count", "8", "--method", "acdc", "--tau", "0.5", "--metric", "kl", "--dot", dot.path])
    XCTAssertEqual(r.kind, "trace.acdc")
    let graph = try r.circuitGraph()
    XCTAssertGreaterThan(graph.edges.count, 0)
    let text = try String(contentsOf: dot, encoding: .utf8)
    XCTAssertEqual(text, try CircuitDOT(result: r).text, "the DOT file is the result's circuit")
    let missingTau = try headlab(["trace", "--dataset", "ioi", "--method", "acdc"])
    XCTAssertNotEqual(missingTau.status, 0)
    XCTAssertTrue(missingTau.stderr.contains("--tau"), missingTau.stderr)
    let negative = try headlab(["trace", "--dataset", "ioi", "--method", "acdc", "--tau", "-0.1"])
    XCTAssertNotEqual(negative.status, 0)
    XCTAssertTrue(negative.stderr.contains("--tau"), negative.stderr)
  }

  func testBadAnalysisInput() throws {
    try assertOneLineError(["patch", "--clean", clean, "--corrupted", corrupted, "--answer", " Maryxyz", "--wrong", " John", "--sweep", "resid_pre"], naming: "is not a single token")
    try assertOneLineError(["patch", "--clean", clean, "--corrupted", "When Mary went to the store", "--answer", " Mary", "--wrong", " John", "--sweep", "resid_pre"], naming: "align token by token")
    try assertOneLineError(["patch", "--clean", clean, "--corrupted", corrupted, "--answer", " Mary", "--wrong", " John", "--sweep", "resid_pree"], naming: "unknown sweep 'resid_pree'")
    try assertOneLineError(["ablate", "--prompt", clean, "--answer", " Mary", "--wrong", " John", "--heads", "4.0"], naming: "layer 4 is out of range")
    try assertOneLineError(["ablate", "--prompt", clean, "--answer", " Mary", "--wrong", " John", "--heads", "1.0", "--positions", "15"], naming: "position 15")
    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-empty-\(UUID().uuidString).jsonl")
    try Data().write(to: empty)
    defer { try? FileManager.default.removeItem(at: empty) }
    try assertOneLineError(["relevance", "--dataset", empty.path], naming: empty.lastPathComponent)
  }

  /// A model whose weights hold a NaN gives NaN logits: the metric refuses them.
  func testNaNLogitsAreAnError() throws {
    let directory = try HeadLabBinary.temporaryDirectory("headlab-nan")
    defer { try? FileManager.default.removeItem(at: directory) }
    let tokenizer = try BPETrainer.train(texts: ["hello world, the cat sat on the mat; hello again"], vocabularySize: 270)
    try tokenizer.write(to: directory)
    let model = try tinyRandomModel(vocabularySize: tokenizer.vocabularySize)
    var bias = model.parameters.tensor(.finalNormBias)
    bias.values[0] = .nan
    model.parameters.set(.finalNormBias, bias)
    try CheckpointWriter.save(model, to: directory, endOfTextID: tokenizer.endOfTextID)
    try assertOneLineError(["patch", "--model", directory.path, "--clean", "hello world", "--corrupted", "hello world", "--answer", " hello", "--wrong", ",", "--sweep", "resid_pre"], naming: "non-finite")
  }
}

/// `headlab --batch FILE`: a script runs to the end (exit 0); a failing line stops it with exit 2
/// and an error naming the line.
final class BatchCommandTests: XCTestCase {
  func testBatchScriptRunsAndAFailingLineIsNamed() throws {
    let directory = try HeadLabBinary.temporaryDirectory("headlab-batch")
    defer { try? FileManager.default.removeItem(at: directory) }
    let script = directory.appendingPathComponent("ioi.headlab")
    try """
      # IOI on the embedded model
      pair clean="When Mary and John went to the store, John gave a drink to" corrupted="When Mary and John went to the store, Mary gave a drink to"
      answer " Mary" " John"
      patch attn_head_out_all_pos normalise=yes
      """.write(to: script, atomically: true, encoding: .utf8)
    let out = try HeadLabBinary.run(["--batch", script.path, "--json"])
    XCTAssertEqual(out.status, 0, out.stderr)
    let result = try AnalysisResult.decode(Data(out.stdout.utf8))
    XCTAssertEqual(result.kind, "patch.attn_head_out_all_pos")
    try result.validate()

    try (try String(contentsOf: script, encoding: .utf8) + "\npatch resid_pre noising=perhaps\n").write(to: script, atomically: true, encoding: .utf8)
    let failed = try HeadLabBinary.run(["batch", script.path])
    XCTAssertEqual(failed.status, 2, failed.stderr)
    XCTAssertTrue(failed.stderr.contains("line 5, column 25"), failed.stderr)
    XCTAssertTrue(failed.stdout.contains("patch.attn_head_out_all_pos"), "the lines before the failure ran: \(failed.stdout)")
    let usage = try HeadLabBinary.run(["batch"])
    XCTAssertEqual(usage.status, 64, "a missing argument is a usage error: \(usage.stderr)")
    let missing = try HeadLabBinary.run(["--batch", directory.appendingPathComponent("none.headlab").path])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.contains("none.headlab"), missing.stderr)
  }
}

/// A 4-way sharded relevance run (`--shard i/4`), merged with `headlab merge`, equals the single
/// run: the same numbers, bit for bit.
final class ShardCommandTests: XCTestCase {
  /// Runs the 4 shards `arguments(i)` (each checked by `check`) into part files and merges them
  /// with `headlab merge`: the part paths and the merged file.
  func shardsMerged(
    in directory: URL, arguments: (Int) -> [String], check: (HeadLabBinary.Output) -> Void = { _ in }
  ) throws -> (parts: [String], merged: URL) {
    var parts: [String] = []
    for i in 0..<4 {
      let out = try HeadLabBinary.run(arguments(i))
      XCTAssertEqual(out.status, 0, out.stderr)
      check(out)
      let part = directory.appendingPathComponent("part\(i).json")
      try Data(out.stdout.utf8).write(to: part)
      parts.append(part.path)
    }
    let merged = directory.appendingPathComponent("merged.json")
    let merge = try HeadLabBinary.run(["merge", merged.path] + parts)
    XCTAssertEqual(merge.status, 0, merge.stderr)
    return (parts, merged)
  }

  func testShardedRelevanceMergesIntoTheSingleRun() throws {
    let directory = try HeadLabBinary.temporaryDirectory("headlab-shards")
    defer { try? FileManager.default.removeItem(at: directory) }
    let common = ["relevance", "--dataset", "ioi", "--count", "64", "--method", "ablation", "--per-prompt", "--json"]
    let (parts, merged) = try shardsMerged(in: directory, arguments: { common + ["--shard", "\($0)/4"] })
    let result = try AnalysisResult.decode(Data(contentsOf: merged))
    let single = try AnalysisResult.decodeList(Data(try HeadLabBinary.run(common).stdout.utf8))[0]
    XCTAssertEqual(result.count, 64)
    XCTAssertEqual(result.sums, single.sums)
    XCTAssertEqual(result.params["clean_ids"], single.params["clean_ids"])
    for (a, b) in zip(result.values.numbers + result.perPrompt!.numbers, single.values.numbers + single.perPrompt!.numbers) {
      XCTAssertEqual(a!, b!, accuracy: 1e-6 + 1e-6 * abs(b!))
    }
    let wrongOrder = try HeadLabBinary.run(["merge", merged.path, parts[1], parts[0], parts[2], parts[3]])
    XCTAssertEqual(wrongOrder.status, 2)
    XCTAssertTrue(wrongOrder.stderr.contains("in order"), wrongOrder.stderr)
  }

  /// `headlab batch SCRIPT --shard i/4` runs shard i of every dataset-level command of the script
  /// (mean ablation over IOI and relevance) and prints the part as JSON lines; `headlab merge`
  /// combines the 4 parts into what the unsharded `headlab batch SCRIPT --json` prints, within
  /// absolute 1e-6 + relative 1e-6.
  func testAShardedBatchScriptMergesIntoTheSingleRun() throws {
    let directory = try HeadLabBinary.temporaryDirectory("headlab-batch-shards")
    defer { try? FileManager.default.removeItem(at: directory) }
    let script = directory.appendingPathComponent("dataset.headlab")
    try """
      ablate each dataset=ioi count=40 mode=mean seed=5
      prompt "When Mary and John went to the store, John gave a drink to"
      lens top=2
      relevance ioi method=ablation count=40 prompts=yes
      """.write(to: script, atomically: true, encoding: .utf8)
    let (_, mergedFile) = try shardsMerged(in: directory, arguments: { ["batch", script.path, "--shard", "\($0)/4"] }) { out in
      XCTAssertEqual(out.stdout.split(separator: "\n").count, 2, "one JSON line per dataset-level command: \(out.stdout.prefix(300))")
      XCTAssertTrue(out.stderr.contains("lens top=2: not a dataset-level command"), out.stderr)
    }
    let merged = try AnalysisResult.decodeList(Data(contentsOf: mergedFile))
    XCTAssertEqual(merged.map(\.kind), ["ablate.each_head", "relevance.ablation"])
    let single = try HeadLabBinary.run(["batch", script.path, "--json"])
    XCTAssertEqual(single.status, 0, single.stderr)
    let lines = single.stdout.split(separator: "\n").map { Data($0.utf8) }
    let expected = [try AnalysisResult.decode(lines[0]), try AnalysisResult.decodeList(lines[2])[0]]
    for (m, s) in zip(merged, expected) {
      XCTAssertEqual(m.count, 40)
      XCTAssertEqual(m.count, s.count)
      XCTAssertEqual(m.params["clean_ids"], s.params["clean_ids"])
      for (a, b) in zip(m.values.numbers + m.stderr!.numbers, s.values.numbers + s.stderr!.numbers) {
        XCTAssertEqual(a!, b!, accuracy: 1e-6 + 1e-6 * abs(b!), m.kind)
      }
    }
    XCTAssertEqual(merged[0].params["mode"], "mean")
  }

  /// `headlab ablate --dataset` is the catalog's dataset-level ablation, and takes `--shard`.
  func testAblateOverADatasetShards() throws {
    let out = try HeadLabBinary.run(["ablate", "--dataset", "induction", "--count", "32", "--heads", "1.*", "--shard", "1/4", "--json"])
    XCTAssertEqual(out.status, 0, out.stderr)
    let part = try AnalysisResult.decode(Data(out.stdout.utf8))
    XCTAssertEqual(part.kind, "ablate.heads")
    XCTAssertEqual(part.count, 8)
    XCTAssertEqual(part.params["shard"], "1/4")
    XCTAssertEqual(part.params["heads"], .strings(["1.0", "1.1", "1.2", "1.3"]))
    let usage = try HeadLabBinary.run(["ablate", "--prompt", "x", "--dataset", "ioi", "--heads", "1.1"])
    XCTAssertEqual(usage.status, 64, usage.stderr)
  }

}

/// `headlab --batch SESSION --check` and the exit-code table.
final class CheckCommandTests: XCTestCase {
  /// The exit-code table on `--batch --check`: a session that replays exits 0; one with a changed
  /// number exits 1 and prints the diff; `--check` on a script, or `--shard` on a session, is bad
  /// input (2).
  func testCheckExitCodes() throws {
    let directory = try HeadLabBinary.temporaryDirectory("headlab-check")
    defer { try? FileManager.default.removeItem(at: directory) }
    let script = directory.appendingPathComponent("dla.headlab"), session = directory.appendingPathComponent("dla.session.json")
    try """
      prompt "When Mary and John went to the store, John gave a drink to"
      answer " Mary" " John"
      dla
      save \(session.path)
      """.write(to: script, atomically: true, encoding: .utf8)
    XCTAssertEqual(try HeadLabBinary.run(["batch", script.path]).status, 0)
    let green = try HeadLabBinary.run(["batch", session.path, "--check"])
    XCTAssertEqual(green.status, 0, green.stderr)
    XCTAssertTrue(green.stderr.contains("check passed"), green.stderr)
    var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: session)) as? [String: Any])
    var history = try XCTUnwrap(object["history"] as? [[String: Any]])
    var results = try XCTUnwrap(history[2]["results"] as? [[String: Any]])
    var values = try XCTUnwrap(results[0]["values"] as? [Any])
    values[0] = 1234.5
    results[0]["values"] = values
    history[2]["results"] = results
    object["history"] = history
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: session)
    let red = try HeadLabBinary.run(["batch", session.path, "--check"])
    XCTAssertEqual(red.status, 1, red.stderr)
    XCTAssertTrue(red.stderr.contains("check failed") && red.stderr.contains("stored 1234.5"), red.stderr)
    XCTAssertEqual(try HeadLabBinary.run(["batch", script.path, "--check"]).status, 2)
    XCTAssertEqual(try HeadLabBinary.run(["batch", session.path, "--shard", "0/2"]).status, 2)
  }
}

