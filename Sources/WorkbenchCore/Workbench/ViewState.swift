import CircuitAnalysis

/// What the workbench shows: the selected head and tokens, which result the head grid draws,
/// the attention view's options, the focused panel and the theme. The `select`, `view` and
/// `theme` commands change it; a session file keeps it in `view`.
public struct ViewState: Equatable, Sendable {
  /// The panels the focus cycles through, in Tab order.
  public static let panels = ["grid", "attention", "tokens", "topk", "log"]

  public var layer = 0
  public var head = 0
  /// The selected destination token (a row of the attention matrix); nil follows the last token.
  public var token: Int?
  /// The selected source token (a column), nil for none.
  public var source: Int?
  /// The result kind the head grid draws; nil draws the latest layer x head result.
  public var grid: String?
  /// Show attention weights as numbers.
  public var values = false
  /// Show the selected head's attention before and after the active interventions.
  public var diff = false
  public var focus = "grid"
  public var theme = "dark"

  public init() {}

  /// The session file's `view` object.
  public var json: [String: JSONValue] {
    var out: [String: JSONValue] = [
      "layer": .integer(layer), "head": .integer(head), "values": .bool(values), "diff": .bool(diff),
      "focus": .string(focus), "theme": .string(theme),
    ]
    if let token { out["token"] = .integer(token) }
    if let source { out["source"] = .integer(source) }
    if let grid { out["grid"] = .string(grid) }
    return out
  }

  /// Reads a session's `view` object; fields it lacks (or of the wrong type) keep their defaults.
  public init(json: [String: JSONValue]) {
    if let v = json["layer"]?.doubleValue { layer = max(0, Int(v)) }
    if let v = json["head"]?.doubleValue { head = max(0, Int(v)) }
    token = json["token"]?.doubleValue.map { max(0, Int($0)) }
    source = json["source"]?.doubleValue.map { max(0, Int($0)) }
    grid = json["grid"]?.stringValue
    if case .bool(let v)? = json["values"] { values = v }
    if case .bool(let v)? = json["diff"] { diff = v }
    if let v = json["focus"]?.stringValue, Self.panels.contains(v) { focus = v }
    if let v = json["theme"]?.stringValue { theme = v }
  }
}

extension ViewState {
  /// The result the head grid draws from `results` (the layer x head results, oldest first): the
  /// kind `grid` names, else the latest.
  public func gridResult(in results: [AnalysisResult]) -> AnalysisResult? {
    if let grid, let chosen = results.last(where: { $0.kind == grid }) { return chosen }
    return results.last
  }

  /// The kind after (or before) the one the grid draws, wrapping around; nil with no results.
  public func cycledGrid(in results: [AnalysisResult], forward: Bool) -> String? {
    let kinds = results.map(\.kind)
    guard !kinds.isEmpty else { return nil }
    let current = gridResult(in: results).flatMap { kinds.firstIndex(of: $0.kind) } ?? kinds.count - 1
    return kinds[(current + (forward ? 1 : kinds.count - 1)) % kinds.count]
  }
}
