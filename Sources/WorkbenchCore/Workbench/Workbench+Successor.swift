import CircuitAnalysis

/// The `successor` command: the successor-head report (Gould et al. 2024, arXiv 2312.09230) on the
/// loaded model's tokenizer: its eight tasks, `SuccessorDataset` prompts and numeric tokens.
extension Workbench {
  func successorReport(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    var settings = SuccessorReportSettings()
    settings.count = try a.reading { try a.option("count")?.integer(in: 1...100_000) } ?? settings.count
    settings.seed = UInt64(try a.reading { try a.option("seed")?.integer(in: 0...Int.max) } ?? 0)
    settings.shuffles = try a.reading { try a.option("shuffles")?.integer(in: 1...10_000) } ?? settings.shuffles
    settings.addingTokenEmbedding = try a.reading { try a.option("embedding")?.boolean() } ?? false
    if let alpha = a.option("alpha") {
      settings.ridgeAlpha = try a.reading { try alpha.float() }
      guard settings.ridgeAlpha > 0 else { throw alpha.error("the probe's ridge alpha must be positive, got \(alpha.text)") }
    }
    let inputs = try SuccessorReportInputs(tokenizer: m.tokenizer, settings: settings)
    return .results(try SuccessorReport.run(subject: m.subject, inputs: inputs, settings: settings, progress: progress))
  }
}
