import CircuitAnalysis
import Foundation

/// Draws the whole screen from the app state: the panels in their layout, an overlay (help, a
/// result) when one is open, or the "terminal too small" message.
public enum ScreenRenderer {
  public static func render(_ state: AppState, now: Date = Date()) -> CellGrid {
    var grid = CellGrid(columns: state.columns, rows: state.rows)
    guard let layout = ScreenLayout(columns: state.columns, rows: state.rows, layers: state.engine.layers, heads: state.engine.heads) else {
      drawTooSmall(state, on: &grid)
      return grid
    }
    StatusBar.draw(state, in: layout.status, on: &grid, now: now)
    CommandLinePanel.draw(state, in: layout.commandLine, on: &grid)
    let body = Rect(column: 0, row: 1, width: state.columns, height: state.rows - 2)
    switch state.mode {
    case .help(let scroll):
      HelpScreen.draw(scroll: scroll, in: body, on: &grid)
    case .result(let index, let scroll) where index < state.results.count:
      drawResult(state.results[index], scroll: scroll, in: body, on: &grid)
    default:
      TokenStrip.draw(state, in: layout.tokens, on: &grid)
      HeadGridPanel.draw(state, in: layout.grid, on: &grid)
      AttentionPanel.draw(state, in: layout.attention, on: &grid)
      TopKPanel.draw(state, in: layout.topK, on: &grid)
      LensPanel.draw(state, in: layout.lens, on: &grid)
      ResultsLogPanel.draw(state, in: layout.log, on: &grid)
    }
    return grid
  }

  static func drawTooSmall(_ state: AppState, on grid: inout CellGrid) {
    let lines = [
      "terminal too small: \(state.columns)x\(state.rows)",
      "headlab needs \(ScreenLayout.minimumColumns)x\(ScreenLayout.minimumRows)",
      "enlarge the window, or press q to quit",
    ]
    let top = max(0, (state.rows - lines.count) / 2)
    for (i, line) in lines.enumerated() {
      let shown = String(line.prefix(max(0, state.columns)))
      grid.put(shown, column: max(0, (state.columns - shown.count) / 2), row: top + i, role: i == 0 ? .statusAlert : .text)
    }
  }
}

/// One panel on its own, for snapshot tests of each panel.
public enum Panel: String, CaseIterable, Sendable {
  case status, tokens, grid, attention, topK, lens, log, commandLine, help, result
}

extension ScreenRenderer {
  /// Draws `panel` alone on a grid of its own size.
  public static func render(_ panel: Panel, _ state: AppState, columns: Int, rows: Int, now: Date = Date(timeIntervalSince1970: 0)) -> CellGrid {
    var grid = CellGrid(columns: columns, rows: rows)
    let rect = Rect(column: 0, row: 0, width: columns, height: rows)
    switch panel {
    case .status: StatusBar.draw(state, in: rect, on: &grid, now: now)
    case .tokens: TokenStrip.draw(state, in: rect, on: &grid)
    case .grid: HeadGridPanel.draw(state, in: rect, on: &grid)
    case .attention: AttentionPanel.draw(state, in: rect, on: &grid)
    case .topK: TopKPanel.draw(state, in: rect, on: &grid)
    case .lens: LensPanel.draw(state, in: rect, on: &grid)
    case .log: ResultsLogPanel.draw(state, in: rect, on: &grid)
    case .commandLine: CommandLinePanel.draw(state, in: rect, on: &grid)
    case .help: HelpScreen.draw(scroll: 0, in: rect, on: &grid)
    case .result: if let last = state.results.last { drawResult(last, scroll: 0, in: rect, on: &grid) }
    }
    return grid
  }

  /// A result opened whole: a circuit as its graph view (`scroll` selects the node), any other
  /// result as its text table.
  static func drawResult(_ result: AnalysisResult, scroll: Int, in rect: Rect, on grid: inout CellGrid) {
    if let graph = try? result.circuitGraph() {
      CircuitScreen.draw(result, graph: graph, selection: scroll, in: rect, on: &grid)
    } else {
      ResultScreen.draw(result, scroll: scroll, in: rect, on: &grid)
    }
  }
}
