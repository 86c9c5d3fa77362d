import ArgumentParser
import CircuitAnalysis
import Foundation
import Tokenizers
import TransformerEngine

extension LoadedModel {
  /// The model as an analysis subject: its identity is the model reference and the SHA-256 of its
  /// weight files.
  func subject(name: String?) throws -> AnalysisSubject {
    let tokenizer = self.tokenizer
    return AnalysisSubject(model: model, identity: ModelIdentity(name: name ?? "default", sha256: try ModelIdentity.checksum(of: directory)),
                           tokenText: { tokenizer.tokenText($0) })
  }

  /// The id of a single-token word such as " Mary"; anything that splits is an error naming the pieces.
  func singleToken(_ text: String, role: String) throws -> Int { try tokenizer.singleToken(text, role: role) }
}

/// Output choice shared by the analysis commands.
struct ResultOutput: ParsableArguments {
  @Flag(name: .long, help: "Print the headlab.result/1 JSON object instead of a table.")
  var json = false

  func print(_ results: [AnalysisResult]) throws {
    for r in results { try r.validate() }
    if json {
      let data = results.count == 1 ? try results[0].jsonData() : try AnalysisResult.jsonData(results)
      Swift.print(String(decoding: data, as: UTF8.self))
    } else {
      Swift.print(results.map(ResultText.render).joined(separator: "\n\n"))
    }
  }
}

/// `--answer` and `--wrong`.
struct AnswerOptions: ParsableArguments {
  @Option(name: .long, help: "The correct answer token, e.g. \" Mary\" (a single token, usually with a leading space).")
  var answer: String

  @Option(name: .long, help: "The wrong token the logit difference is taken against, e.g. \" John\".")
  var wrong: String

  @Option(name: .long, help: "Metric: logit_diff (default), logprob, prob, kl, loss, topk_accuracy.")
  var metric: String = "logit_diff"

  @Option(name: .customLong("top-k"), help: "k for topk_accuracy.")
  var topK: Int = 1

  func choice() throws -> MetricChoice {
    guard let kind = Metric.Kind(rawValue: metric) else {
      throw AnalysisError.unknownName(kind: "metric", name: metric, known: Metric.Kind.allCases.map(\.rawValue))
    }
    return MetricChoice(kind, k: topK)
  }
}

/// Parses "9.9,9.6,10.0" into heads.
func parseHeads(_ text: String) throws -> [HeadIndex] {
  try text.split(separator: ",").map { try HeadIndex(parsing: $0.trimmingCharacters(in: .whitespaces)) }
}
