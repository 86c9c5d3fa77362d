import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab detect`: head-role detectors, one [L,NH] result per detector (the catalog's `detect`).
struct Detect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Head detectors: previous-token, duplicate-token, induction (TransformerLens detect_head), attention sink, successor, copy and negative copy.",
    discussion: "The attention-pattern detectors read repeated random tokens [BOS] + r + r; the successor score reads Gould et al.'s token sets and the copy scores the single-token names, through the effective embedding MLP0(ln2(W_E)).")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "A detector (repeatable): \(HeadDetector.allCases.map(\.rawValue).joined(separator: ", ")). Default: all.")
  var detector: [String] = []

  @Option(name: .long, help: "Seed of the repeated random tokens.")
  var seed: UInt64 = 0

  @Option(name: .long, help: "Sequences of repeated random tokens.")
  var count: Int = 10

  @Option(name: .long, help: "Length of r in [BOS] + r + r.")
  var length: Int = 25

  @Option(name: .customLong("error-measure"), help: "mul (default) or abs, as TransformerLens's detect_head.")
  var errorMeasure: String = "mul"

  @Flag(name: .customLong("include-bos"), help: "Score attention to BOS too (default: excluded, as for content heads).")
  var includeBOS = false

  @Flag(name: .customLong("exclude-current-token"), help: "Ignore attention to the current token.")
  var excludeCurrentToken = false

  @Flag(name: .customLong("add-token-embedding"), help: "Effective embedding W_E + MLP0(ln2(W_E)) instead of MLP0(ln2(W_E)).")
  var addTokenEmbedding = false

  @OptionGroup var output: ResultOutput

  func validate() throws {
    if count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
    if length < 2 { throw ValidationError("--length must be at least 2, got \(length)") }
  }

  func run() throws {
    try reportingErrors {
      let detect = try ParsedLine.building("detect", detector, options: [
        "seed": String(seed), "measure": errorMeasure, "count": String(count), "length": String(length),
        "bos": yes(includeBOS), "current": excludeCurrentToken ? "no" : nil, "embedding": yes(addTokenEmbedding),
      ])
      try FrontEnd.run(try modelOptions.lines() + [detect], output: output)
    }
  }
}
