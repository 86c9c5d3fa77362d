/// The bottom line: the `:` command line or the prompt editor with its cursor, the quit
/// question, or the last message (errors in the error role).
enum CommandLinePanel {
  static func draw(_ state: AppState, in rect: Rect, on grid: inout CellGrid) {
    grid.fill(rect, role: .commandLine)
    switch state.mode {
    case .command(let editor): drawEditor(":", editor, in: rect, on: &grid)
    case .prompt(let editor): drawEditor("prompt> ", editor, in: rect, on: &grid)
    case .confirmQuit:
      grid.put("Unsaved changes. Quit anyway? y: quit · s: save first · any other key: stay", column: rect.column, row: rect.row, role: .statusAlert, limit: rect.width)
    default:
      if let message = state.message {
        grid.put(message, column: rect.column, row: rect.row, role: state.messageIsError ? .error : .commandLine, limit: rect.width)
      } else {
        grid.put("? help · : command · p prompt · q quit", column: rect.column, row: rect.row, role: .dim, limit: rect.width)
      }
    }
  }

  /// The editor's text after `prefix`, scrolled so the cursor is visible, the cursor cell marked.
  static func drawEditor(_ prefix: String, _ editor: LineEditor, in rect: Rect, on grid: inout CellGrid) {
    let x0 = grid.put(prefix, column: rect.column, row: rect.row, role: .commandLine, limit: rect.width)
    let room = max(1, rect.column + rect.width - x0 - 1)
    let first = max(0, editor.cursor - room + 1)
    let visible = String(editor.text[first..<min(editor.text.count, first + room)])
    grid.put(visible, column: x0, row: rect.row, role: .commandLine, limit: room)
    let cursorX = x0 + editor.cursor - first
    let under = editor.cursor < editor.text.count ? editor.text[editor.cursor] : " "
    grid[cursorX, rect.row] = Cell(under, .selected)
  }
}
