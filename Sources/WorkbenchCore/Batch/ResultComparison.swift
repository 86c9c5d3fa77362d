import CircuitAnalysis

/// How closely `--check` requires a recomputed result to match the stored one. Every result kind
/// HeadLab makes today is continuous (patching, ablation, AtP, lens, DLA, detector and relevance
/// values): numbers agree within absolute + relative·|stored|, tokens exactly. Discontinuous
/// methods (causal head gating's labels, ACDC's kept edges) will add their own rules here.
public struct CheckTolerance: Sendable, Equatable {
  public var absolute: Double
  public var relative: Double

  public static let continuous = CheckTolerance(absolute: 1e-5, relative: 1e-5)

  /// The tolerance a result of `kind` is checked with.
  public static func forKind(_ kind: String) -> CheckTolerance { .continuous }

  func accepts(stored: Double, recomputed: Double) -> Bool {
    abs(stored - recomputed) <= absolute + relative * abs(stored)
  }
}

/// The differences between a stored result and its recomputation, one readable line each naming
/// the cell by its axis labels.
public enum ResultComparison {
  public static func differences(stored: AnalysisResult, recomputed: AnalysisResult, limit: Int = 10) -> [String] {
    guard stored.kind == recomputed.kind else { return ["kind \(stored.kind) became \(recomputed.kind)"] }
    guard stored.axes == recomputed.axes else { return ["\(stored.kind): axes \(stored.shape) became \(recomputed.shape)"] }
    let tolerance = CheckTolerance.forKind(stored.kind)
    var out: [String] = []
    if stored.model.sha256 != recomputed.model.sha256 {
      out.append("\(stored.kind): model checksum \(stored.model.sha256.prefix(12))… became \(recomputed.model.sha256.prefix(12))…")
    }
    let shape = stored.shape
    for (flat, (a, b)) in zip(stored.values.cells, recomputed.values.cells).enumerated() {
      let same: Bool
      switch (a, b) {
      case (.number(let x), .number(let y)): same = tolerance.accepts(stored: x, recomputed: y)
      default: same = a == b
      }
      guard !same else { continue }
      var index: [Int] = []
      var rest = flat
      for n in shape.reversed() { index.insert(rest % n, at: 0); rest /= n }
      let cell = zip(stored.axes, index).map { "\($0.name)=\($0.labels[$1])" }.joined(separator: " ")
      out.append("\(stored.kind) [\(cell.isEmpty ? "value" : cell)]: stored \(a), recomputed \(b) (tolerance \(tolerance.absolute) + \(tolerance.relative)·|stored|)")
      if out.count >= limit {
        out.append("…")
        break
      }
    }
    return out
  }
}
