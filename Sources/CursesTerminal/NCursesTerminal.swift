#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import CNCurses
import Foundation
import WorkbenchTUI

/// Why the real terminal could not be opened.
public enum NCursesTerminalError: Error, CustomStringConvertible, Equatable {
  /// /dev/tty cannot be opened: no controlling terminal (e.g. run from cron or CI without tmux).
  case noTerminal(reason: String)
  /// ncurses knows no terminal description for $TERM.
  case unknownTerminalType(String)
  /// Another NCursesTerminal is still open (ncurses has one screen per process here).
  case alreadyOpen

  public var description: String {
    switch self {
    case .noTerminal(let reason): "cannot open the terminal /dev/tty: \(reason)"
    case .unknownTerminalType(let term): "ncurses cannot start on TERM=\(term.isEmpty ? "(unset)" : term)"
    case .alreadyOpen: "the terminal is already open"
    }
  }
}

/// The real terminal through ncurses (wide-character build, libncursesw).
///
/// Opening it (`init`) sets the locale from the environment (UTF-8 input and output), starts
/// ncurses with `newterm` on /dev/tty (so standard output may be redirected), and sets raw mode
/// (Ctrl-C arrives as `Key.control("c")`, not as SIGINT), no echo, keypad mode, an invisible
/// cursor, a 25 ms Esc delay and button-1 mouse reports. Colours: one pair per `StyleRole`
/// (`CursesColorPlan`), none under NO_COLOR or on a terminal without colours.
/// `restore()` (also run at exit and on fatal signals, see `TerminalRestoration`) gives the
/// terminal back. Call every method from one thread.
///
///     guard NCursesTerminal.runsOnATerminal() else { /* print, or run --batch */ }
///     let theme = try ThemeLocator().load(themeOption ?? "dark")
///     let terminal = try NCursesTerminal()
///     defer { terminal.restore() }
///     while running {
///       terminal.present(render(columns: terminal.columns, rows: terminal.rows), theme: theme)
///       if let event = terminal.nextEvent(timeoutMilliseconds: 50) { handle(event) }
///     }
public final class NCursesTerminal: TerminalDevice {
  /// The Esc delay: how long ncurses waits after Esc for the rest of an escape sequence.
  public static let escapeDelayMilliseconds: Int32 = 25

  public private(set) var columns: Int
  public private(set) var rows: Int
  /// What the terminal can show; `.none` under NO_COLOR or without colour support.
  public let capabilities: ColorCapabilities
  /// How many cells the last `present` sent to ncurses: the changed ones, or all after a resize,
  /// a new grid size or a new theme.
  public private(set) var cellsDrawnInLastFrame = 0

  private let screen: OpaquePointer
  private let window: UnsafeMutablePointer<WINDOW>
  /// The frame on screen, to send only changed cells; nil forces a full redraw.
  private var previous: CellGrid?
  private var theme: Theme?
  /// [StyleRole.allCases.count] attributes per role, in `StyleRole.allCases` order.
  private var attributes: [attr_t] = []
  /// [StyleRole.allCases.count] colour pair per role.
  private var pairs: [Int16] = []
  private var clearOnNextFrame = false
  /// The colour plan of the current theme.
  private var plan: CursesColorPlan?
  /// The pairs made for half-block cells, by their two colours.
  private var halfBlockPairs: [HalfBlockColors: Int16] = [:]

  /// The two palette colours of a half-block cell (-1 = the terminal's default).
  private struct HalfBlockColors: Hashable {
    let upper: Int
    let lower: Int
  }

  /// Opens the terminal. `environment` supplies NO_COLOR, TERM and the locale variables;
  /// `holdStandardError` keeps standard error off the screen while it is up and writes it out
  /// after `restore()`.
  public init(environment: [String: String] = ProcessInfo.processInfo.environment, holdStandardError: Bool = true) throws {
    guard !TerminalRestoration.isActive else { throw NCursesTerminalError.alreadyOpen }
    Self.setUTF8Locale(environment: environment)
    guard let output = fopen("/dev/tty", "w"), let input = fopen("/dev/tty", "r") else {
      throw NCursesTerminalError.noTerminal(reason: String(cString: strerror(errno)))
    }
    guard let screen = newterm(nil, output, input) else {
      fclose(output)
      fclose(input)
      throw NCursesTerminalError.unknownTerminalType(environment["TERM"] ?? "")
    }
    set_term(screen)
    self.screen = screen
    window = headlab_stdscr()
    TerminalRestoration.cursesStarted(holdStandardError: holdStandardError)

    raw()
    noecho()
    nonl()
    keypad(window, true)
    curs_set(0)
    set_escdelay(Self.escapeDelayMilliseconds)
    mousemask(headlab_button1_pressed() | headlab_button1_clicked(), nil)
    mouseinterval(0)  // report the press at once instead of waiting to see a click
    capabilities = Self.startColors(environment: environment)
    columns = Int(getmaxx(window))
    rows = Int(getmaxy(window))
  }

  deinit { restore() }

  /// Whether standard input and output are both a terminal (not a pipe or a file): the case in
  /// which `headlab` with no subcommand opens the workbench.
  public static func runsOnATerminal() -> Bool {
    isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
  }

  // MARK: Output

  public func present(_ grid: CellGrid, theme: Theme) {
    guard TerminalRestoration.isActive else { return }
    if theme != self.theme { use(theme) }
    let sizeChanged = previous.map { $0.columns != grid.columns || $0.rows != grid.rows } ?? true
    if sizeChanged || clearOnNextFrame {
      werase(window)  // cells beyond a grid smaller than the screen are cleared, and stay so
      previous = nil
    }
    if clearOnNextFrame { clearok(window, true) }
    clearOnNextFrame = false
    let onScreen = previous
    cellsDrawnInLastFrame = 0
    for row in 0..<min(grid.rows, rows) {
      for column in 0..<min(grid.columns, columns) {
        let cell = grid[column, row]
        if let onScreen, onScreen[column, row] == cell { continue }
        draw(cell, column: column, row: row)
        cellsDrawnInLastFrame += 1
      }
    }
    previous = grid
    wrefresh(window)
  }

  private func draw(_ cell: Cell, column: Int, row: Int) {
    let position = StyleRole.allCases.firstIndex(of: cell.role) ?? 0
    var glyph = CellGlyph.wideCharacters(cell.character)
    var wide = cchar_t()
    if let lower = cell.lower, let pair = halfBlockPair(upper: cell.role, lower: lower) {
      setcchar(&wide, &glyph, headlab_attr_normal(), pair, nil)
    } else {
      setcchar(&wide, &glyph, attributes[position], pairs[position], nil)
    }
    mvwadd_wch(window, Int32(row), Int32(column), &wide)  // ERR at the bottom-right cell, drawn all the same
  }

  /// Sets up the colour pairs and attributes for a new theme, and redraws everything.
  private func use(_ theme: Theme) {
    let plan = CursesColorPlan(theme: theme, capabilities: capabilities)
    attributes = []
    pairs = []
    for role in StyleRole.allCases {
      let style = plan.style(role)
      if style.pair > 0 { init_pair(Int16(style.pair), Int16(style.foreground), Int16(style.background)) }
      var attribute = headlab_attr_normal()
      if style.attributes.bold { attribute |= headlab_attr_bold() }
      if style.attributes.reverse { attribute |= headlab_attr_reverse() }
      if style.attributes.underline { attribute |= headlab_attr_underline() }
      if style.attributes.dim { attribute |= headlab_attr_dim() }
      attributes.append(attribute)
      pairs.append(Int16(style.pair))
    }
    self.theme = theme
    self.plan = plan
    halfBlockPairs = [:]
    previous = nil
  }

  /// The colour pair of a half-block cell (`Cell.lower`): the upper role's background colour as
  /// the foreground (the `▀` glyph), the lower role's as the background. Pairs are made on first
  /// use after the roles' own; nil without colours or when the terminal has no pairs left.
  private func halfBlockPair(upper: StyleRole, lower: StyleRole) -> Int16? {
    guard let plan, capabilities.colors >= 8 else { return nil }
    let colors = HalfBlockColors(upper: plan.style(upper).background, lower: plan.style(lower).background)
    if let pair = halfBlockPairs[colors] { return pair }
    let next = StyleRole.allCases.count + 1 + halfBlockPairs.count
    guard next < min(capabilities.pairs, Int(Int16.max)) else { return nil }
    init_pair(Int16(next), Int16(colors.upper), Int16(colors.lower))
    halfBlockPairs[colors] = Int16(next)
    return Int16(next)
  }

  // MARK: Input

  /// The next key, click or resize, waiting at most `timeoutMilliseconds` (0: only what is already
  /// there; negative: wait as long as it takes). Keys with no `Key` name and mouse events other
  /// than a button-1 press are skipped.
  public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
    guard TerminalRestoration.isActive else { return nil }
    let deadline = timeoutMilliseconds > 0 ? DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMilliseconds) * 1_000_000 : 0
    while true {
      var wait = Int32(clamping: timeoutMilliseconds)
      if timeoutMilliseconds > 0 {
        let now = DispatchTime.now().uptimeNanoseconds
        wait = now >= deadline ? 0 : Int32(clamping: (deadline - now) / 1_000_000)
      }
      wtimeout(window, wait)
      var value: wint_t = 0
      let status = wget_wch(window, &value)
      if status == ERR { return nil }
      if let event = event(for: CursesKeyDecoder.decode(status: status, value: UInt32(value))) { return event }
    }
  }

  private func event(for input: CursesInput?) -> InputEvent? {
    switch input {
    case .key(let key): return .key(key)
    case .resize:
      columns = Int(getmaxx(window))
      rows = Int(getmaxy(window))
      clearOnNextFrame = true
      return .resize(columns: columns, rows: rows)
    case .mouse:
      var mouse = MEVENT()
      guard getmouse(&mouse) == OK, mouse.bstate & (headlab_button1_pressed() | headlab_button1_clicked()) != 0 else { return nil }
      return .click(column: Int(mouse.x), row: Int(mouse.y))
    case nil: return nil
    }
  }

  // MARK: Restoring

  /// Leaves curses and gives the terminal back as it was (idempotent). After it, `present` and
  /// `nextEvent` do nothing.
  public func restore() {
    TerminalRestoration.restoreNow()
  }

  // MARK: Set-up

  /// The locale from the environment (`setlocale(LC_ALL, "")`), so ncurses reads and writes UTF-8.
  /// If the environment names no locale at all (plain C/POSIX, as under cron, CI or a bare
  /// container) the character type falls back to C.UTF-8; numbers always format the C way.
  static func setUTF8Locale(environment: [String: String]) {
    setlocale(LC_ALL, "")
    let named = ["LC_ALL", "LC_CTYPE", "LANG"].compactMap { environment[$0] }.filter { !$0.isEmpty && $0 != "C" && $0 != "POSIX" }
    if named.isEmpty, String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
    setlocale(LC_NUMERIC, "C")
  }

  /// Starts colours unless NO_COLOR is set or the terminal has none; -1 is the terminal's own
  /// foreground or background where `use_default_colors` works.
  static func startColors(environment: [String: String]) -> ColorCapabilities {
    if ColorCapabilities.colorsDisabled(environment: environment, terminalHasColors: has_colors()) { return .none }
    guard start_color() == OK else { return .none }
    let defaultColors = use_default_colors() == OK
    return ColorCapabilities(colors: Int(headlab_colors()), pairs: Int(headlab_color_pairs()), defaultColors: defaultColors)
  }
}
