import ArgumentParser
import CircuitAnalysis
import Foundation
import TransformerEngine

/// `headlab bench patch`: times the patching sweeps and per-head zero ablation on one IOI pair,
/// and with `--peer` TransformerLens on the same model and token ids in the same run.
struct BenchPatch: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "patch",
    abstract: "Time activation-patching sweeps and per-head ablation, optionally beside TransformerLens (--peer).")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "The clean prompt (BOS is prepended).")
  var clean: String = "When Mary and John went to the store, John gave a drink to"

  @Option(name: .long, help: "The corrupted prompt.")
  var corrupted: String = "When Mary and John went to the store, Mary gave a drink to"

  @Option(name: .long, help: "Answer token.")
  var answer: String = " Mary"

  @Option(name: .long, help: "Wrong token.")
  var wrong: String = " John"

  @Option(name: .long, help: "Comma-separated sweeps to time; ablate_each_head is per-head zero ablation.")
  var sweeps: String = "attn_head_out_all_pos,resid_pre,ablate_each_head,every_head_by_pos"

  @Option(name: .long, help: "Timed repeats per sweep (median reported).")
  var repeats: Int = 3

  @Flag(name: .long, help: "Also time TransformerLens 3.9 (python3 scripts/bench_patch_tl.py) on the same model and ids, 2 torch threads.")
  var peer = false

  @Option(name: .customLong("peer-sweeps"), help: "Sweeps the peer times (every_head_by_pos takes TransformerLens hours on GPT-2 small).")
  var peerSweeps: String = "attn_head_out_all_pos,resid_pre,ablate_each_head"

  func run() throws {
    try reportingErrors {
      let loaded = try modelOptions.load()
      let subject = loaded.subject
      let pair = try PromptPairBatch(
        clean: try loaded.tokens(clean, prependBOS: true), corrupted: try loaded.tokens(corrupted, prependBOS: true),
        answer: try loaded.singleToken(answer, role: "answer"), wrong: try loaded.singleToken(wrong, role: "wrong token"), tokenText: subject.tokenText)
      let c = subject.config
      print("model \(loaded.directory.url.path): \(c.layers) layers x \(c.heads) heads, d_model \(c.modelDim); \(pair.length) tokens; threads \(BLAS.threadCount), OpenBLAS \(BLAS.coreName) kernels")
      var ours: [String: Double] = [:]
      let names = sweeps.split(separator: ",").map(String.init)
      for name in names {
        let run: () throws -> AnalysisResult
        if name == "ablate_each_head" {
          run = { try HeadAblation.eachHead(subject: subject, groups: [pair]) }
        } else {
          let sweep = try PatchingSweep(named: name)
          run = { try ActivationPatching.sweep(sweep, subject: subject, pair: pair) }
        }
        var times: [Double] = []
        var cells = 0
        for _ in 0..<max(1, repeats) {
          let start = DispatchTime.now().uptimeNanoseconds
          cells = try run().values.cells.count
          times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        ours[name] = times[times.count / 2]
        print("headlab  \(name.padding(toLength: 26, withPad: " ", startingAt: 0))" + String(format: " %6d runs  median %8.3f s  min %8.3f s", cells, times[times.count / 2], times[0]))
      }
      guard peer else { return }
      let peerTimes = try timePeer(directory: loaded.directory.url, pair: pair)
      print("")
      print("sweep                       headlab (s)   TransformerLens (s)   speed-up")
      for name in names {
        let label = name.padding(toLength: 26, withPad: " ", startingAt: 0)
        guard let theirs = peerTimes[name], let mine = ours[name] else {
          print(label + String(format: "  %12.3f", ours[name] ?? .nan) + "             not timed")
          continue
        }
        print(label + String(format: "  %12.3f   %19.3f   %7.1fx", mine, theirs, theirs / mine))
      }
    }
  }

  /// Runs scripts/bench_patch_tl.py and returns its seconds per sweep.
  func timePeer(directory: URL, pair: PromptPairBatch) throws -> [String: Double] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/bench_patch_tl.py").standardized
    guard FileManager.default.fileExists(atPath: script.path) else {
      throw ValidationError("--peer needs \(script.path) (it is in the source tree)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", script.path, "--model", directory.path, "--clean-ids", pair.clean[0].map(String.init).joined(separator: ","),
      "--corrupted-ids", pair.corrupted[0].map(String.init).joined(separator: ","), "--answer", "\(pair.answers[0])",
      "--wrong", "\(pair.wrongs[0])", "--sweeps", peerSweeps, "--threads", "2", "--repeats", "\(max(1, repeats))",
    ]
    let pipe = Pipe(), errors = Pipe()
    process.standardOutput = pipe
    process.standardError = errors
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    let messages = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let json = (try? JSONSerialization.jsonObject(with: output)) as? [String: Any],
          let sweeps = json["sweeps"] as? [String: Double] else {
      throw ValidationError("TransformerLens peer failed (python3 with torch, transformers and transformer-lens 3.9 needed): \(script.path) exited with \(process.terminationStatus): \(String(decoding: messages.suffix(2000), as: UTF8.self))")
    }
    return sweeps
  }
}
