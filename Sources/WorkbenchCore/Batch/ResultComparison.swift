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
    for (flat, (a, b)) in zip(stored.values.cells, recomputed.values.cells).enumerated() {
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
    return report
  }

  public static func differences(stored: AnalysisResult, recomputed: AnalysisResult, limit: Int = 10) -> [String] {
    compare(stored: stored, recomputed: recomputed, limit: limit).differences
  }
}
