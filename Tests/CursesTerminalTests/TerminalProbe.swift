import CursesTerminal
import Foundation
import WorkbenchTUI
import XCTest

/// The program the tmux tests drive: this test, run by the test binary itself inside a tmux pane
/// (`NCursesTerminalInTmuxTests` starts it with HEADLAB_TERMINAL_PROBE=1; otherwise it skips). It
/// opens the real terminal, draws a status frame and reports every event it reads:
///
///     probe 60x15 colors 256 pid 1234
///     blocks ▀▄█ é wide 語
///     heat 0123456 cool abcdef
///     events 3 last key up
///     drawn 14          (cells the previous frame sent)
///
/// Keys: q quits, ! calls fatalError, e writes to standard error, t times a 300 ms wait with no input.
final class TerminalProbe: XCTestCase {
  static let environmentSwitch = "HEADLAB_TERMINAL_PROBE"

  func testProbeInsidePane() throws {
    let environment = ProcessInfo.processInfo.environment
    guard environment[Self.environmentSwitch] == "1" else {
      throw XCTSkip("runs only inside tmux, started by NCursesTerminalInTmuxTests")
    }
    let theme = try ThemeLocator().load(environment["HEADLAB_PROBE_THEME"] ?? "dark")
    let terminal = try NCursesTerminal()
    var count = 0
    var last = "none"
    while true {
      terminal.present(Self.frame(terminal, count: count, last: last), theme: theme)
      guard let event = terminal.nextEvent(timeoutMilliseconds: 60_000) else { continue }
      count += 1
      last = Self.describe(event)
      switch event {
      case .key(.character("q")):
        terminal.restore()
        terminal.restore()  // idempotent
        print("probe finished after \(count) events")
        return
      case .key(.character("!")): fatalError("probe crash on request")
      case .key(.character("e")): FileHandle.standardError.write(Data("probe wrote this to standard error\n".utf8))
      case .key(.character("t")):
        let start = Date()
        let waited = terminal.nextEvent(timeoutMilliseconds: 300)
        let immediate = terminal.nextEvent(timeoutMilliseconds: 0)
        last = "waited \(Int(Date().timeIntervalSince(start) * 1000)) ms for \(waited.map(Self.describe) ?? "nothing"), then \(immediate.map(Self.describe) ?? "nothing")"
      default: break
      }
    }
  }

  static func frame(_ terminal: NCursesTerminal, count: Int, last: String) -> CellGrid {
    var grid = CellGrid(columns: terminal.columns, rows: terminal.rows)
    grid.put("probe \(terminal.columns)x\(terminal.rows) colors \(terminal.capabilities.colors) pid \(getpid())", column: 0, row: 0, role: .title)
    grid.put("blocks ▀▄█ é wide 語", column: 0, row: 1)
    var column = grid.put("heat ", column: 0, row: 2)
    for (level, role) in [StyleRole.heat0, .heat1, .heat2, .heat3, .heat4, .heat5, .heat6].enumerated() {
      column = grid.put(String(level), column: column, row: 2, role: role)
    }
    column = grid.put(" cool ", column: column, row: 2)
    for (letter, role) in zip("abcdef", [StyleRole.cool1, .cool2, .cool3, .cool4, .cool5, .cool6]) {
      column = grid.put(String(letter), column: column, row: 2, role: role)
    }
    grid.put("events \(count) last \(last)", column: 0, row: 3, role: .status)
    grid.put("drawn \(terminal.cellsDrawnInLastFrame)", column: 0, row: 4)
    grid[grid.columns - 1, grid.rows - 1] = Cell("#", .selected)  // the bottom-right cell draws too
    return grid
  }

  static func describe(_ event: InputEvent) -> String {
    switch event {
    case .key(let key): return "key " + describe(key)
    case .click(let column, let row): return "click \(column),\(row)"
    case .resize(let columns, let rows): return "resize \(columns)x\(rows)"
    }
  }

  static func describe(_ key: Key) -> String {
    switch key {
    case .character(let character):
      return "\(character) " + character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
    case .control(let letter): return "ctrl-\(letter)"
    case .function(let number): return "F\(number)"
    default: return "\(key)"
    }
  }
}
