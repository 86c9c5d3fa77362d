import Foundation

/// A terminal colour: the terminal's default, or a palette index (0-7 the basic colours, 8-15
/// bright, 16-255 the xterm 256-colour cube and greys).
public enum TerminalColor: Equatable, Sendable {
  case standard
  case index(Int)
}

/// How one role looks.
public struct RoleStyle: Equatable, Sendable {
  public var foreground: TerminalColor = .standard
  public var background: TerminalColor = .standard
  public var bold = false
  public var reverse = false
  public var underline = false
  public var dim = false

  public init(foreground: TerminalColor = .standard, background: TerminalColor = .standard,
              bold: Bool = false, reverse: Bool = false, underline: Bool = false, dim: Bool = false) {
    self.foreground = foreground
    self.background = background
    self.bold = bold
    self.reverse = reverse
    self.underline = underline
    self.dim = dim
  }
}

/// A theme: a style per role, read from a `Themes/NAME.json` file (format `headlab.theme/1`).
/// Roles the file leaves out are drawn plain. `colors` is how many palette colours the theme
/// needs (0 for a monochrome theme, which uses attributes only).
public struct Theme: Equatable, Sendable {
  public let name: String
  public let colors: Int
  public let styles: [StyleRole: RoleStyle]

  public init(name: String, colors: Int, styles: [StyleRole: RoleStyle]) {
    self.name = name
    self.colors = colors
    self.styles = styles
  }

  public func style(_ role: StyleRole) -> RoleStyle { styles[role] ?? RoleStyle() }

  /// The same theme with every colour removed (NO_COLOR, or a terminal without colours).
  public var withoutColors: Theme {
    Theme(name: name, colors: 0, styles: styles.mapValues {
      RoleStyle(bold: $0.bold, reverse: $0.reverse, underline: $0.underline, dim: $0.dim)
    })
  }
}
