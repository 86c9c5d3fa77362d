import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

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

/// `--metric` and `--top-k`: the catalog's `metric NAME [k=K]`.
struct MetricOptions: ParsableArguments {
  @Option(name: .long, help: "Metric: logit_diff (default), logprob, prob, kl, loss, topk_accuracy.")
  var metric: String = "logit_diff"

  @Option(name: .customLong("top-k"), help: "k for topk_accuracy.")
  var topK: Int = 1

  func lines() throws -> [ParsedLine] {
    [try .building("metric", [metric], options: ["k": topK == 1 ? nil : String(topK)])]
  }
}

/// `--answer` and `--wrong` (and the metric): the catalog's `answer TOKEN WRONG`.
struct AnswerOptions: ParsableArguments {
  @Option(name: .long, help: "The correct answer token, e.g. \" Mary\" (a single token, usually with a leading space).")
  var answer: String

  @Option(name: .long, help: "The wrong token the logit difference is taken against, e.g. \" John\".")
  var wrong: String

  @OptionGroup var metricOptions: MetricOptions

  func lines() throws -> [ParsedLine] {
    [try .building("answer", [answer, wrong])] + (try metricOptions.lines())
  }
}
