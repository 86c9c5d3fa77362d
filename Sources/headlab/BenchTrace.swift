import ArgumentParser
import CircuitAnalysis
import Foundation
import TransformerEngine

/// `headlab bench trace`: times edge attribution patching (EAP / EAP-IG scores of every edge) and
/// the whole trace (scores, keep, and the three edge-ablated evaluations of the faithfulness) on
/// a batch of IOI prompts of one length.
struct BenchTrace: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trace",
    abstract: "Time EAP / EAP-IG edge scores and the whole circuit trace on a batch of IOI prompts of one length.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "Prompts in the batch.")
  var count: Int = 16

  @Option(name: .long, help: "Prompt length in tokens, BOS included (the IOI prompts of this length are used; the nearest length when there are too few).")
  var tokens: Int = 15

  @Option(name: .long, help: "eap or eap-ig.")
  var method: String = "eap"

  @Option(name: .long, help: "EAP-IG interpolation steps.")
  var steps: Int = 5

  @Flag(name: .long, help: "Split each head into its q, k and v inputs.")
  var split = false

  @Option(name: .long, help: "Timed repeats (after one warm-up run; median reported).")
  var repeats: Int = 3

  func validate() throws {
    if count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
    if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
    if EdgeAttribution.Method(rawValue: method) == nil {
      throw ValidationError("--method must be one of \(EdgeAttribution.Method.allCases.map(\.rawValue).joined(separator: ", ")), got \(method)")
    }
  }

  func run() throws {
    try reportingErrors {
      let loaded = try modelOptions.load()
      let subject = loaded.subject
      let dataset = try PromptDataset.named("ioi", count: max(256, 16 * count), seed: 0, tokenizer: loaded.tokenizer)
      let byLength = Dictionary(grouping: dataset.pairs.indices, by: { dataset.pairs[$0].clean.count })
      let usable = byLength.filter { $0.value.count >= count }.keys
      guard let length = usable.min(by: { (abs($0 - tokens), $0) < (abs($1 - tokens), $1) }) else {
        throw ValidationError("no prompt length has \(count) IOI prompts; lower --count")
      }
      let rows = Array(byLength[length]!.prefix(count)).map { dataset.pairs[$0] }
      let batch = try PromptPairBatch(clean: rows.map(\.clean), corrupted: rows.map(\.corrupted), answers: rows.map(\.answer),
                                      wrongs: rows.map(\.wrong), templates: rows.map(\.template), tokenText: subject.tokenText)
      // As the trace command: the reference distribution is the batch's own corrupted prompts.
      let reference = try AblationReference(tokens: batch.corrupted, templates: batch.templates, name: "ioi corrupted prompts")
      let c = subject.config
      let kind = EdgeAttribution.Method(rawValue: method)!
      var settings = CircuitTrace.Settings()
      settings.method = CircuitTrace.Method(rawValue: method)!
      settings.steps = steps
      settings.splitQKV = split
      let edges = CircuitGraph.full(layers: c.layers, heads: c.heads, splitQKV: split).edges.count
      print("model \(loaded.directory.url.path): \(c.layers) layers x \(c.heads) heads, d_model \(c.modelDim); IOI batch of \(count) x \(length) tokens; \(edges) edges\(split ? " (q/k/v split)" : ""); threads \(BLAS.threadCount)")
      func time(_ label: String, _ body: () throws -> Void) throws {
        try body()
        var times: [Double] = []
        for _ in 0..<repeats {
          let start = DispatchTime.now().uptimeNanoseconds
          try body()
          times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        print(label.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "median %7.3f s  min %7.3f s  peak RSS %.0f MiB", times[times.count / 2], times[0], PeakMemory.residentMiB()))
      }
      try time("forward pass (for scale)") { _ = try subject.model.forward(batch.cleanBatch) }
      try time("\(method) scores (every edge)") {
        _ = try EdgeAttribution.scores(subject: subject, batch: batch, method: kind, steps: steps, splitQKV: split)
      }
      try time("\(method) trace (+ faithfulness)") {
        _ = try CircuitTrace.run(subject: subject, batch: batch, reference: reference, settings: settings)
      }
    }
  }
}
