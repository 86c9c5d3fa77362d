import ArgumentParser
import CircuitAnalysis
import Foundation
import TransformerEngine

struct Forward: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run one prompt: tokens, top-k next-token predictions, last-position logits, hook activations.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "The prompt text.")
  var prompt: String

  @Option(name: .long, help: "A TransformerLens hook name to report (repeatable), e.g. blocks.0.attn.hook_pattern.")
  var hook: [String] = []

  @Option(name: .customLong("top-k"), help: "Number of next-token predictions to show.")
  var topK: Int = 10

  @Flag(name: .customLong("no-bos"), help: "Do not prepend <|endoftext|> as BOS.")
  var noBOS = false

  @Flag(name: .long, help: "Print JSON (includes the full last-position logits).")
  var json = false

  func validate() throws {
    if topK < 0 { throw ValidationError("--top-k must be 0 or more, got \(topK)") }
  }

  func run() throws {
    try reportingErrors {
      let loaded = try modelOptions.load()
      let model = loaded.model
      let sites = try hook.map { try HookSite(parsing: $0, layers: model.config.layers) }
      let ids = try loaded.tokens(prompt, prependBOS: !noBOS)
      _ = try model.validate(tokens: [ids])
      let (logits, cache) = try model.runWithCache([ids], sites: Set(sites))
      let last = Array(logits.values)  // [1,1,V]
      let predictions = TopK.indices(last, count: max(0, topK)).map { (index: $0, value: last[$0]) }
      let logProbs = Metric.logSoftmax(last)
      let report = ForwardReport(
        tokens: ids, tokenStrings: ids.map { loaded.tokenizer.tokenText($0) },
        top: predictions.map { .init(id: $0.index, token: loaded.tokenizer.tokenText($0.index), logit: $0.value, logProb: logProbs[$0.index]) },
        hooks: sites.map { site in
          let t = cache[site]!
          return .init(name: site.name, shape: t.shape, values: t.values)
        },
        logits: json ? last : nil)
      if json {
        print(try JSONOutput.encode(report))
      } else {
        print(report.text)
      }
    }
  }
}

struct ForwardReport: Encodable {
  struct Prediction: Encodable { let id: Int; let token: String; let logit: Float; let logProb: Float }
  struct Activation: Encodable { let name: String; let shape: [Int]; let values: [Float] }
  let tokens: [Int]
  let tokenStrings: [String]
  let top: [Prediction]
  let hooks: [Activation]
  /// The full last-position logits [V] (JSON only).
  let logits: [Float]?

  var text: String {
    var lines: [String] = []
    lines.append("tokens (\(tokens.count)): " + zip(tokens, tokenStrings).map { "\($0):\(quoted($1))" }.joined(separator: " "))
    lines.append("top \(top.count) next tokens:")
    for (rank, p) in top.enumerated() {
      let token = quoted(p.token).padding(toLength: max(16, quoted(p.token).count), withPad: " ", startingAt: 0)
      lines.append(String(format: "  %2d. ", rank + 1) + token + String(format: " id %6d  logit %9.4f  logprob %8.4f", p.id, p.logit, p.logProb))
    }
    for hook in hooks {
      lines.append("\(hook.name) shape \(hook.shape)")
      lines.append(TensorPreview.describe(values: hook.values, shape: hook.shape))
    }
    return lines.joined(separator: "\n")
  }
}

func quoted(_ token: String) -> String {
  "\"" + token.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    .replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
