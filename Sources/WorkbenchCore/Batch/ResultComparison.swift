import CircuitAnalysis

/// The differences between a stored result and its recomputation, one readable line each naming
/// the cell by its axis labels, and the borderline cells of discontinuous kinds (see
/// `CheckTolerance`), which are listed but are not differences.
public enum ResultComparison {
  public struct Report: Sendable, Equatable {
    public var differences: [String] = []
    public var borderline: [String] = []
  }

  public static func compare(stored: AnalysisResult, recomputed: AnalysisResult, limit: Int = 10) -> Report {
    guard stored.kind == recomputed.kind else { return Report(differences: ["kind \(stored.kind) became \(recomputed.kind)"]) }
    guard stored.axes == recomputed.axes else { return Report(differences: ["\(stored.kind): axes \(stored.shape) became \(recomputed.shape)"]) }
    let tolerance = CheckTolerance.forKind(stored.kind)
    var report = Report()
    if stored.model.sha256 != recomputed.model.sha256 {
      report.differences.append("\(stored.kind): model checksum \(stored.model.sha256.prefix(12))… became \(recomputed.model.sha256.prefix(12))…")
    }
    for (flat, (a, b)) in zip(stored.values.cells, recomputed.values.cells).enumerated() where tolerance.comparesValues {
      let verdict: CheckTolerance.Verdict
      switch (a, b) {
      case (.number(let x), .number(let y)): verdict = tolerance.verdict(stored: x, recomputed: y)
      default: verdict = a == b ? .same : .mismatch
      }
      guard verdict != .same else { continue }
      let labels = stored.cellName(flat)
      let cell = "\(stored.kind) [\(labels.isEmpty ? "value" : labels)]"
      if verdict == .borderline {
        report.borderline.append("\(cell): stored \(a), recomputed \(b), both within \(tolerance.absolute) of the threshold \(tolerance.threshold!)")
        continue
      }
      let rule = tolerance.threshold.map { "decided at \($0), borderline within \(tolerance.absolute)" }
        ?? "tolerance \(tolerance.absolute) + \(tolerance.relative)·|stored|"
      report.differences.append("\(cell): stored \(a), recomputed \(b) (\(rule))")
      if report.differences.count >= limit {
        report.differences.append("…")
        break
      }
    }
    if report.differences.count < limit { report.differences += circuitDifferences(stored: stored, recomputed: recomputed, tolerance: tolerance) }
    return report
  }

  /// A circuit's kept edges must be the same edges, their scores within the kind's tolerance
  /// (continuous: a score is a measured quantity even where the kind's values are decisions).
  static func circuitDifferences(stored: AnalysisResult, recomputed: AnalysisResult, tolerance: CheckTolerance) -> [String] {
    guard stored.graph != nil || recomputed.graph != nil else { return [] }
    guard let a = try? stored.circuitGraph(), let b = try? recomputed.circuitGraph() else {
      return ["\(stored.kind): the circuit graph is missing or unreadable in the \(stored.graph == nil ? "stored" : "recomputed") result"]
    }
    let (old, new) = (Dictionary(uniqueKeysWithValues: a.edges.map { ($0.key, $0.score) }), Dictionary(uniqueKeysWithValues: b.edges.map { ($0.key, $0.score) }))
    var lines: [String] = []
    let lost = Set(old.keys).subtracting(new.keys).sorted(), gained = Set(new.keys).subtracting(old.keys).sorted()
    if !lost.isEmpty || !gained.isEmpty {
      func names(_ keys: [EdgeKey]) -> String { keys.prefix(5).map { "\($0.sender.name)->\($0.receiver.name)" }.joined(separator: ", ") + (keys.count > 5 ? ", …" : "") }
      lines.append("\(stored.kind): circuit of \(old.count) edges became \(new.count)" + (lost.isEmpty ? "" : "; lost \(names(lost))") + (gained.isEmpty ? "" : "; gained \(names(gained))"))
    }
    let scores = CheckTolerance(absolute: tolerance.threshold == nil ? tolerance.absolute : CheckTolerance.continuous.absolute,
                                relative: tolerance.threshold == nil ? tolerance.relative : CheckTolerance.continuous.relative)
    for key in Set(old.keys).intersection(new.keys).sorted() {
      guard let x = old[key] ?? nil, let y = new[key] ?? nil else {
        if (old[key] ?? nil) != (new[key] ?? nil) { lines.append("\(stored.kind): edge \(key.sender.name)->\(key.receiver.name) score \(String(describing: old[key] ?? nil)) became \(String(describing: new[key] ?? nil))") }
        continue
      }
      if scores.verdict(stored: x, recomputed: y) == .mismatch {
        lines.append("\(stored.kind): edge \(key.sender.name)->\(key.receiver.name) score stored \(x), recomputed \(y)")
      }
    }
    return lines
  }

  public static func differences(stored: AnalysisResult, recomputed: AnalysisResult, limit: Int = 10) -> [String] {
    compare(stored: stored, recomputed: recomputed, limit: limit).differences
  }
}
