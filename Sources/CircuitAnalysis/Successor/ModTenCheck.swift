import TransformerEngine

/// The mod-10 check's numbers for one model: `ModTenProbe` on E' (`EffectiveEmbedding`, the MLP0
/// output of each numeric token) with the true labels and with `settings.shuffles` seeded shuffles.
struct ModTenCheck {
  var heldOut: Double
  var training: Double
  /// Held-out and training accuracy of each shuffle.  [shuffles]
  var shuffledHeldOut: [Double]
  var shuffledTraining: [Double]
  /// Held-out accuracy per decade (true labels), by decade.
  var perDecade: [Int: Double]
  /// The largest class's share of the tokens: what always guessing it scores.
  var chance: Double
  var count: Int

  static func run(
    subject: AnalysisSubject, numeric: NumericTokens, settings: SuccessorReportSettings, progress: AnalysisProgress, checkCancelled: () throws -> Void
  ) throws -> ModTenCheck {
    let ids = numeric.tokens.map(\.id)
    guard Set(numeric.tokens.map { $0.index / ModTenProbe.classes }).count >= 2 else {
      throw AnalysisError.emptyDataset("the mod-10 probe needs numeric tokens from at least two decades; the tokenizer gives \(ids.count): \(numeric.tokens.map(\.index))")
    }
    for id in ids { try subject.check(token: id, role: "mod-10 probe") }
    let features = try EffectiveEmbedding.compute(subject.model, tokens: ids, addingTokenEmbedding: settings.addingTokenEmbedding).values.map(Double.init)  // [N, C]
    let probe = ModTenProbe(features: features, C: subject.config.modelDim, indices: numeric.tokens.map(\.index), alpha: settings.ridgeAlpha)
    let labels = probe.labels
    let held = try probe.heldOut(labels: labels).predictions
    var perDecade: [Int: Double] = [:]
    for decade in Set(probe.decades) {
      let rows = probe.decades.indices.filter { probe.decades[$0] == decade }
      perDecade[decade] = ModTenProbe.accuracy(rows.map { held[$0] }, rows.map { labels[$0] })
    }
    var check = ModTenCheck(
      heldOut: ModTenProbe.accuracy(held, labels), training: try probe.trainingAccuracy(labels: labels), shuffledHeldOut: [], shuffledTraining: [],
      perDecade: perDecade, chance: Double((0..<10).map { k in labels.filter { $0 == k }.count }.max()!) / Double(labels.count), count: ids.count)
    progress.advance()
    for shuffled in ModTenProbe.shuffles(of: labels, count: settings.shuffles, seed: settings.seed) {
      try checkCancelled()
      check.shuffledHeldOut.append(ModTenProbe.accuracy(try probe.heldOut(labels: shuffled).predictions, shuffled))
      check.shuffledTraining.append(try probe.trainingAccuracy(labels: shuffled))
      progress.advance()
    }
    return check
  }
}
