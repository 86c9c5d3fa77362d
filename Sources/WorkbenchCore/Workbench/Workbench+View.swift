import CircuitAnalysis

/// The view commands: `select`, `view` and `theme` change what the workbench shows, not what it
/// computes, so they are kept in the session's view state rather than replayed from its history.
extension Workbench {
  /// The layer x head results computed so far (axes exactly `layer`, `head`), oldest first: what
  /// the head grid can draw.
  public var gridResults: [AnalysisResult] {
    var seen = Set<String>()
    var out: [AnalysisResult] = []
    let receiver = HeadIndex(view.layer, view.head)
    for result in (history.flatMap(\.results) + lastResults).reversed() where !seen.contains(result.kind) {
      guard let grid = result.isHeadGrid ? result : result.senderGrid(into: receiver) else { continue }
      seen.insert(result.kind)
      out.append(grid)
    }
    return out.reversed()
  }

  /// The result the head grid draws: the one `view grid=KIND` chose, else the latest.
  public var gridResult: AnalysisResult? { view.gridResult(in: gridResults) }

  func select(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    var next = view
    if let target = a.positional(0) {
      let head = try a.reading { try HeadIndex(parsingToken: target) }
      guard head.layer < m.subject.layers, head.head < m.subject.heads else {
        throw target.error("no head \(head) in a model of \(m.subject.layers) layers x \(m.subject.heads) heads").withUsage(a.spec.usage)
      }
      (next.layer, next.head) = (head.layer, head.head)
    }
    let count = prompt?.count ?? 0
    if let token = a.option("token") {
      guard count > 0 else { throw a.missing("a prompt first: prompt TEXT") }
      next.token = try a.reading { try token.integer(in: 0...(count - 1)) }
    }
    if let source = a.option("source") {
      guard count > 0 else { throw a.missing("a prompt first: prompt TEXT") }
      next.source = try a.reading { try source.text == "none" ? nil : source.integer(in: 0...(count - 1)) }
    }
    guard a.positional(0) != nil || a.option("token") != nil || a.option("source") != nil else {
      throw a.missing("a head (L.H), token=N or source=N")
    }
    view = next
    return .message("selected head \(view.layer).\(view.head)" + (view.token.map { ", token \($0)" } ?? "") + (view.source.map { ", source \($0)" } ?? ""))
  }

  func setView(_ a: CommandArguments) throws -> CommandOutput {
    var next = view
    if let grid = a.option("grid") {
      switch grid.text {
      case "next", "previous":
        guard let kind = view.cycledGrid(in: gridResults, forward: grid.text == "next") else {
          throw a.missing("a layer x head result first (patch, ablate each, detect, relevance)")
        }
        next.grid = kind
      default:
        next.grid = try a.reading { try grid.choice(gridResults.map(\.kind), noun: "layer x head result") }
      }
    }
    if let values = a.option("values") { next.values = try a.reading { try values.boolean() } }
    if let diff = a.option("diff") { next.diff = try a.reading { try diff.boolean() } }
    if let focus = a.option("focus") { next.focus = try a.reading { try focus.choice(ViewState.panels, noun: "panel") } }
    guard !a.line.options.isEmpty else { throw a.missing("one of grid=, values=, diff=, focus=") }
    view = next
    return .message("view: grid \(view.grid ?? "latest"), values \(view.values ? "on" : "off"), diff \(view.diff ? "on" : "off"), focus \(view.focus)")
  }

  func setTheme(_ a: CommandArguments) throws -> CommandOutput {
    let name = a.positional(0)!
    if let themeCheck {
      do { try themeCheck(name.text) } catch { throw name.error("\(error)").withUsage(a.spec.usage) }
    }
    view.theme = name.text
    return .message("theme \(name.text)")
  }
}

extension AnalysisResult {
  /// Whether this result is a layer x head grid of numbers.
  public var isHeadGrid: Bool { axes.map(\.name) == ["layer", "head"] }

  /// For a sender x receiver head result ([sender_layer, sender_head, receiver_layer,
  /// receiver_head], e.g. a composition grid) the layer x head grid of every sender into
  /// `receiver`, with `params.receiver` naming it; nil for any other result or a receiver out of
  /// range.
  public func senderGrid(into receiver: HeadIndex) -> AnalysisResult? {
    guard axes.map(\.name) == ["sender_layer", "sender_head", "receiver_layer", "receiver_head"] else { return nil }
    let (L, NH) = (axes[0].count, axes[1].count)
    guard receiver.layer < axes[2].count, receiver.head < axes[3].count else { return nil }
    var grid = self
    grid.axes = [.layers(L), .heads(NH)]
    grid.values = ResultGrid(shape: [L, NH], cells: (0..<L).flatMap { l in (0..<NH).map { h in values[l, h, receiver.layer, receiver.head] } })
    grid.stderr = nil
    grid.params["receiver"] = .string(receiver.description)
    return grid
  }
}

extension HeadIndex {
  /// Parses a command-line token "L.H".
  init(parsingToken token: LineToken) throws {
    do { try self.init(parsing: token.text) } catch { throw token.error("expected a head as LAYER.HEAD, e.g. 2.1, got '\(token.text)'") }
  }
}
