/// The IOI report's evidence, classes and circuit checks as `headlab.result/1` values (see
/// `IOIReport`); class names and head lists are string cells.
struct IOIReportResults {
  let subject: AnalysisSubject
  let evidence: IOIEvidence
  let assigned: [HeadIndex: IOIHeadClass]
  let classes: [(IOIHeadClass, [HeadIndex])]
  let checks: IOICircuitChecks
  let params: [String: JSONValue]
  let metric: MetricSummary
  let elapsedMs: Int
  let thresholds: IOIThresholds

  var heads: [HeadIndex] { (0..<subject.layers).flatMap { l in (0..<subject.heads).map { HeadIndex(l, $0) } } }

  /// Every result; cells the method leaves undefined (paths from heads that cannot reach their
  /// receivers, checks of an empty circuit) are null and listed in `params.not_computed`.
  var all: [AnalysisResult] { [report, headGrid, classTable, circuit, completeness, minimality].map { $0.listingNullCells() } }

  private func result(_ kind: String, _ axes: [ResultAxis], _ cells: [ResultCell]) -> AnalysisResult {
    AnalysisResult(kind: kind, metric: metric, axes: axes, values: ResultGrid(shape: axes.map(\.count), cells: cells),
                   params: params, model: subject.identity, elapsedMs: elapsedMs)
  }

  private func name(_ head: HeadIndex) -> ResultCell { .token(assigned[head]?.rawValue ?? "-") }

  /// head × ["class"] + evidence columns.
  var report: AnalysisResult {
    let columns = ["class"] + IOIEvidence.Column.allCases.map(\.rawValue)
    let cells = heads.flatMap { [name($0)] + evidence.cells($0) }
    return result("ioi.report", [ResultAxis(name: "head", labels: heads.map(\.description)), ResultAxis(name: "evidence", labels: columns)], cells)
  }

  /// [L, NH] class names, for the workbench's head grid.
  var headGrid: AnalysisResult {
    result("ioi.heads", [.layers(subject.layers), .heads(subject.heads)], heads.map(name))
  }

  /// class × [heads, best_candidate, evidence]: an empty class names its best candidate (the head
  /// with the most extreme first score among the heads no class took) and that head's evidence.
  var classTable: AnalysisResult {
    let rows = classes.map { cls, members -> [ResultCell] in
      let list = members.isEmpty ? "(empty)" : members.map(\.description).joined(separator: ",")
      guard members.isEmpty else { return [.token(list), .token("-"), .token("-")] }
      let key = cls.evidence[0]
      let candidates = heads.filter { assigned[$0] == nil && (evidence.row($0)[key] ?? .nan).isFinite }
      let best = cls.bestIsLowest
        ? candidates.min { evidence.row($0)[key]! < evidence.row($1)[key]! }
        : candidates.max { evidence.row($0)[key]! < evidence.row($1)[key]! }
      guard let best else { return [.token(list), .token("(none: \(key.rawValue) not computed)"), .token("-")] }
      let row = evidence.row(best)
      let text = cls.evidence.map { "\($0.rawValue)=\(ResultText.number(row[$0] ?? .nan))" }.joined(separator: " ")
      return [.token(list), .token(best.description), .token(text)]
    }
    return result("ioi.classes", [ResultAxis(name: "class", labels: classes.map(\.0.rawValue)), ResultAxis(name: "field", labels: ["heads", "best_candidate", "evidence"])],
                  rows.flatMap { $0 })
  }

  /// The criteria: F(M), F(C), F(∅), faithfulness, circuit size, worst completeness gap and the
  /// weakest minimality effect.
  var circuit: AnalysisResult {
    let fm = checks.fullModel
    let minimal = checks.minimality.map(\.effect).min()
    let size = classes.map(\.1.count).reduce(0, +)
    let items: [(String, Double?)] = [
      ("F(M)", fm), ("F(C)", checks.circuit), ("F(empty)", checks.empty),
      ("faithfulness F(C)/F(M)", checks.faithfulness),
      ("normalised (F(C)-F(empty))/(F(M)-F(empty))", checks.normalisedFaithfulness),
      ("circuit heads", Double(size)), ("circuit fraction of heads", Double(size) / Double(heads.count)),
      ("completeness worst |F(C\\K)-F(M\\K)|", checks.worstCompletenessGap),
      ("completeness worst gap / F(M)", checks.worstCompletenessGap / fm),
      ("minimality weakest effect / F(M)", minimal.map { $0 / fm }),
      ("minimal at threshold (1 = yes)", minimal.map { $0 / fm >= thresholds.minimality ? 1 : 0 }),
    ]
    var out = result("ioi.circuit", [ResultAxis(name: "check", labels: items.map(\.0))],
                     items.map { $0.1.map { $0.isFinite ? ResultCell.number($0) : .missing } ?? .missing })
    out.graph = IOICircuitGraph.make(classes: classes, evidence: evidence, layers: subject.layers, heads: subject.heads).json
    out.params["head_classes"] = .object(Dictionary(uniqueKeysWithValues: assigned.map { ($0.key.description, JSONValue.string($0.value.displayName)) }))
    return out
  }

  /// subset K × [F(C\K), F(M\K), |gap|, heads].
  var completeness: AnalysisResult {
    let rows = checks.completeness.flatMap { c -> [ResultCell] in
      [.number(c.circuitWithout), .number(c.modelWithout), .number(abs(c.circuitWithout - c.modelWithout)),
       .token(c.heads.isEmpty ? "(none)" : c.heads.map(\.description).joined(separator: ","))]
    }
    return result("ioi.completeness", [ResultAxis(name: "subset", labels: checks.completeness.map(\.label)),
                                       ResultAxis(name: "field", labels: ["F(C\\K)", "F(M\\K)", "gap", "K"])], rows)
  }

  /// circuit head × [effect, effect / F(M), the K that gives it]; an empty circuit has one row
  /// "(none)" saying so (a JSON grid of zero rows would lose its shape).
  var minimality: AnalysisResult {
    let fields = ResultAxis(name: "field", labels: ["effect", "effect/F(M)", "K"])
    guard !checks.minimality.isEmpty else {
      return result("ioi.minimality", [ResultAxis(name: "head", labels: ["(none)"]), fields], [.missing, .missing, .token("(empty circuit)")])
    }
    let rows = checks.minimality.flatMap { [.number($0.effect), .number($0.effect / checks.fullModel), .token($0.subset)] as [ResultCell] }
    return result("ioi.minimality", [ResultAxis(name: "head", labels: checks.minimality.map(\.head.description)), fields], rows)
  }
}

extension AnalysisResult {
  /// The result with its null cells listed by name as cells the method leaves undefined (see
  /// `validate`).
  func listingNullCells() -> AnalysisResult {
    let names = values.cells.indices.filter { values.cells[$0] == .missing }.map(cellName)
    guard !names.isEmpty else { return self }
    var out = self
    out.params["not_computed"] = .strings(names)
    return out
  }
}
