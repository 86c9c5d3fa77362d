import Foundation
import WorkbenchCore

/// Screens drawn in memory from a workbench's state, for `headlab batch FILE --screen WxH`
/// (whose `save-screen NAME` writes them as text, so screens are snapshot tests).
public enum ScreenCapture {
  /// Installs a `save-screen` writer on `workbench` that draws its current state at the given
  /// size. `monochrome` draws shade glyphs instead of half blocks.
  public static func install(on workbench: Workbench, columns: Int, rows: Int, monochrome: Bool = false) {
    workbench.screenWriter = { [unowned workbench] path in
      try write(render(workbench, columns: columns, rows: rows, monochrome: monochrome).text, to: path)
      return "screen \(columns)x\(rows) written to \(path)"
    }
  }

  /// The screen the workbench would show for `workbench`'s state: its model, live view, view
  /// state, and a log of the commands it ran.
  public static func render(_ workbench: Workbench, columns: Int, rows: Int, monochrome: Bool = false) throws -> CellGrid {
    ScreenRenderer.render(try state(of: workbench, columns: columns, rows: rows, monochrome: monochrome), now: Date(timeIntervalSince1970: 0))
  }

  /// The interface state for `workbench` as the workbench would show it after its commands.
  public static func state(of workbench: Workbench, columns: Int, rows: Int, monochrome: Bool = false) throws -> AppState {
    var state = AppState(columns: columns, rows: rows)
    state.engine = EngineSnapshot(workbench)
    state.engine.live = try workbench.liveView()
    state.view = workbench.view
    state.monochrome = monochrome
    for record in workbench.history {
      state.log.append(AppState.LogLine(text: "› \(record.command)", role: .dim, result: nil))
      for result in record.results {
        state.results.append(result)
        state.log.append(AppState.LogLine(text: "  " + ResultSummary.line(result), role: .text, result: state.results.count - 1))
      }
    }
    return state
  }

  /// Writes `text` atomically (a temporary file in the same folder, then a rename).
  static func write(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try Data(text.utf8).write(to: url, options: .atomic)
  }
}
