import TransformerEngine

/// Per-prompt metric values of every cell of an analysis, gathered over groups of prompts, with
/// the unpatched baselines; turned into a result's values and dataset statistics at the end.
struct GroupedRows {
  /// values[cell]: every prompt's value so far, nil once a cancellation left the cell unrun.
  var values: [[Double]?]
  private(set) var clean: [Double] = []
  private(set) var corrupted: [Double] = []

  init(cells: Int) { values = Array(repeating: [], count: cells) }

  var prompts: Int { clean.count }

  /// Adds one group's per-variant rows ([cells][B], nil for unrun cells).
  mutating func add(_ group: [[Double]?]) {
    for (i, rows) in group.enumerated() {
      if let rows, values[i] != nil { values[i]!.append(contentsOf: rows) } else { values[i] = nil }
    }
  }

  /// The metric on the group's unpatched clean and corrupted runs (computed once, Heimersheim &
  /// Nanda 2024).
  mutating func addBaselines(runner: VariantRunner, pair: PromptPairBatch) throws {
    clean += try runner.evaluate(pair.cleanBatch)
    corrupted += try runner.evaluate(pair.corruptedBatch)
  }

  /// Baselines measured by the caller: each prompt's clean and corrupted metric.
  mutating func addBaselines(clean: [Double], corrupted: [Double]) {
    self.clean += clean
    self.corrupted += corrupted
  }

  /// Baselines for a result with no corrupted run (ablation): the unablated metric.
  mutating func addBaseline(_ values: [Double]) { clean += values }

  /// Each value minus its prompt's corrupted baseline (a patching effect).
  func subtractingCorrupted() -> GroupedRows {
    var out = self
    out.values = values.map { cell in cell.map { zip($0, corrupted).map { $0 - $1 } } }
    return out
  }

  var meanClean: Double { clean.reduce(0, +) / Double(max(clean.count, 1)) }
  var meanCorrupted: Double { corrupted.reduce(0, +) / Double(max(corrupted.count, 1)) }

  func summary(choice: MetricChoice, groups: [PromptPairBatch], subject: AnalysisSubject, normalised: Bool) -> MetricSummary {
    let single = groups.count == 1 && groups[0].count == 1
    let answer = single && choice.kind != .loss && choice.kind != .klDivergence ? subject.tokenText(groups[0].answers[0]) : nil
    let wrong = single && choice.kind == .logitDifference ? subject.tokenText(groups[0].wrongs[0]) : nil
    return MetricSummary(name: choice.kind.rawValue, answer: answer, wrong: wrong, clean: meanClean,
                         corrupted: corrupted.isEmpty ? nil : meanCorrupted, normalised: normalised)
  }

  /// Writes the values into `result`: each cell's mean over prompts, optionally normalised by
  /// the mean baselines, and for more than one prompt the dataset statistics (per-prompt values
  /// normalised the same way, so the mean of the statistics is the value). Unrun cells stay null
  /// and mark the result incomplete.
  func fill(_ result: inout AnalysisResult, normalise: Bool = false, perPrompt: Bool = false, transform custom: ((Double) -> Double)? = nil) throws {
    let clean = meanClean, corrupted = meanCorrupted
    func transform(_ x: Double) throws -> Double {
      if let custom { return custom(x) }
      return normalise ? try normalisedPatchingScore(x, clean: clean, corrupted: corrupted) : x
    }
    let shape = result.shape
    var cells = [ResultCell](repeating: .missing, count: values.count)
    for (i, rows) in values.enumerated() {
      guard let rows, !rows.isEmpty else { continue }
      cells[i] = .number(try transform(rows.reduce(0, +) / Double(rows.count)))
    }
    result.values = ResultGrid(shape: shape, cells: cells)
    result.complete = !values.contains { $0 == nil || $0!.isEmpty }
    if prompts > 1, result.complete {
      var statistics = DatasetStatistics(shape: shape)
      var rows: [Double] = []
      for b in 0..<prompts {
        let row = try values.map { try transform($0![b]) }
        statistics.add(row)
        if perPrompt { rows += row }
      }
      result.attach(statistics, perPrompt: perPrompt ? ResultGrid(shape: [prompts] + shape, numbers: rows) : nil)
    }
  }
}

extension PromptPairBatch {
  /// The parameters that rerun a dataset given as groups.
  static func params(_ groups: [PromptPairBatch]) -> [String: JSONValue] {
    if groups.count == 1 { return groups[0].params }
    return [
      "clean_ids": .array(groups.flatMap(\.clean).map(JSONValue.integers)),
      "corrupted_ids": .array(groups.flatMap(\.corrupted).map(JSONValue.integers)),
      "answer_ids": .integers(groups.flatMap(\.answers)), "wrong_ids": .integers(groups.flatMap(\.wrongs)),
    ]
  }
}
