import WorkbenchTUI

/// Themes for tests that need no theme files: every role plain, and a colour flag.
enum TestThemes {
  static let colour = Theme(name: "test-colour", colors: 256, styles: [.selected: RoleStyle(reverse: true)])
  static let mono = Theme(name: "test-mono", colors: 0, styles: [.selected: RoleStyle(reverse: true)])
  static func load(_ name: String) throws -> Theme {
    switch name {
    case "test-colour": return colour
    case "test-mono": return mono
    default: throw ThemeNotFound(name: name)
    }
  }
  struct ThemeNotFound: Error, CustomStringConvertible {
    let name: String
    var description: String { "no theme '\(name)' (test themes: test-colour, test-mono)" }
  }
}
