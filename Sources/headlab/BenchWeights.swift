import ArgumentParser
import CircuitAnalysis
import Foundation
import TransformerEngine

/// `headlab bench weights`: times issue 16's weight analyses with their peak memory (the bar on a
/// GPT-2-small-size model: each under 10 s and 2 GB): copy scores of every head over 2,000 tokens
/// against the full vocabulary, one MAPS relation, and the composition grid with its random
/// baseline, raw and processed.
struct BenchWeights: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "weights", abstract: "Time the weight analyses (copy scores, MAPS, composition) with their peak memory.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "Tokens of the copy-score set.")
  var tokens: Int = 2000

  @Option(name: .long, help: "The MAPS relation timed.")
  var relation: String = "successor"

  @Option(name: .long, help: "Random matrix pairs of the composition baseline.")
  var samples: Int = 1000

  func run() throws {
    try reportingErrors {
      let loaded = try modelOptions.load()
      let subject = loaded.subject, c = subject.config
      print("model \(loaded.directory.url.path): \(c.layers) layers x \(c.heads) heads, d_model \(c.modelDim), vocabulary \(c.vocabularySize); threads \(BLAS.threadCount)")
      print(try WeightBenchmark.measure("copy scores, \(tokens) tokens, top 5 of the full vocabulary") {
        _ = try WeightRelationsBenchmark.copyScores(subject: subject, count: tokens)
      })
      print(try WeightBenchmark.measure("MAPS relation '\(relation)'") {
        _ = try WeightRelationsBenchmark.mapsRelation(subject: subject, tokenizer: loaded.tokenizer, relation: relation)
      })
      for measurement in try WeightBenchmark.composition(subject: subject, baselineSamples: samples) { print(measurement) }
    }
  }
}
