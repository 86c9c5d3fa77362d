import WorkbenchTUI

/// What the terminal can show, as ncurses reports it after `start_color`.
public struct ColorCapabilities: Equatable, Sendable {
  /// `COLORS` (0 when colours are off).
  public var colors: Int
  /// `COLOR_PAIRS`.
  public var pairs: Int
  /// Whether `use_default_colors` succeeded, so -1 means the terminal's own colour.
  public var defaultColors: Bool

  public init(colors: Int, pairs: Int, defaultColors: Bool) {
    self.colors = colors
    self.pairs = pairs
    self.defaultColors = defaultColors
  }

  /// No colours: NO_COLOR is set, or the terminal has none.
  public static let none = ColorCapabilities(colors: 0, pairs: 0, defaultColors: false)

  /// Whether colour is off: NO_COLOR is set to a non-empty value (https://no-color.org), or the
  /// terminal has no colours.
  public static func colorsDisabled(environment: [String: String], terminalHasColors: Bool) -> Bool {
    !terminalHasColors || !(environment["NO_COLOR"] ?? "").isEmpty
  }
}

/// How one role is drawn through ncurses: a colour pair (0 = the terminal's default colours) with
/// its foreground and background (-1 = default), and the attributes (a `RoleStyle` without colours).
public struct CursesRoleStyle: Equatable, Sendable {
  public var pair: Int
  public var foreground: Int
  public var background: Int
  public var attributes: RoleStyle

  public init(pair: Int = 0, foreground: Int = -1, background: Int = -1, attributes: RoleStyle = RoleStyle()) {
    self.pair = pair
    self.foreground = foreground
    self.background = background
    self.attributes = attributes
  }
}

/// The colour pairs for a theme on a terminal: one pair per `StyleRole` that has a colour
/// (pair number = the role's position in `StyleRole.allCases` + 1), palette indices the terminal
/// lacks reduced to the nearest basic colour (`PaletteReduction`). Without colours (NO_COLOR, no
/// colour support, or too few pairs) the theme's attributes alone are used (`Theme.withoutColors`).
public struct CursesColorPlan: Equatable, Sendable {
  /// One entry per role.
  public let styles: [StyleRole: CursesRoleStyle]

  public init(theme: Theme, capabilities: ColorCapabilities) {
    let useColor = capabilities.colors >= 8 && capabilities.pairs > StyleRole.allCases.count && theme.colors > 0
    let attributesOnly = theme.withoutColors
    var styles: [StyleRole: CursesRoleStyle] = [:]
    for (position, role) in StyleRole.allCases.enumerated() {
      let style = theme.style(role)
      var resolved = CursesRoleStyle(attributes: attributesOnly.style(role))
      if useColor, style.foreground != .standard || style.background != .standard {
        resolved.pair = position + 1
        resolved.foreground = Self.color(style.foreground, capabilities, fallback: 7)
        resolved.background = Self.color(style.background, capabilities, fallback: 0)
      }
      styles[role] = resolved
    }
    self.styles = styles
  }

  /// A palette index the terminal can show; `.standard` is -1, or `fallback` (white text on
  /// black) where the terminal has no default colours.
  static func color(_ color: TerminalColor, _ capabilities: ColorCapabilities, fallback: Int) -> Int {
    switch color {
    case .standard: return capabilities.defaultColors ? -1 : fallback
    case .index(let index): return PaletteReduction.reduce(index, paletteSize: capabilities.colors)
    }
  }

  public func style(_ role: StyleRole) -> CursesRoleStyle {
    styles[role] ?? CursesRoleStyle()
  }
}
