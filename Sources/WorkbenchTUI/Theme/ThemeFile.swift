import CircuitAnalysis
import Foundation

/// Reads `headlab.theme/1` files (see Themes/README.md):
///
///     {"format": "headlab.theme/1", "name": "dark", "description": "...", "colors": 256,
///      "roles": {"text": {"fg": "default", "bg": "default"}, "heat3": {"fg": 231, "bg": 124, "bold": true}}}
///
/// `colors` is 256, 16, 8 or 0 (attributes only); a role's `fg`/`bg` is "default", a colour name
/// (`black` .. `white`, `bright-black` .. `bright-white`) or a palette index below `colors`; `bold`,
/// `reverse`, `underline` and `dim` are booleans. Unknown keys and roles are errors, so a typo
/// never silently draws plain text; roles left out are drawn plain.
public enum ThemeFile {
  public static let format = "headlab.theme/1"
  public static let paletteSizes = [0, 8, 16, 256]
  /// The basic colour names and their palette indices.
  public static let colorNames: [String: Int] = {
    let basic = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
    var names: [String: Int] = [:]
    for (index, name) in basic.enumerated() {
      names[name] = index
      names["bright-" + name] = index + 8
    }
    return names
  }()
  static let topLevelKeys: Set<String> = ["format", "name", "description", "colors", "roles"]
  static let attributeKeys = ["bold", "reverse", "underline", "dim"]

  /// Reads and parses a theme file; errors name `url.path`.
  public static func load(_ url: URL) throws -> Theme {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ThemeFileError(file: url.path, problem: "cannot read the file (\((error as NSError).localizedDescription))")
    }
    return try parse(data, file: url.path)
  }

  /// Parses theme JSON; `file` names it in errors.
  public static func parse(_ data: Data, file: String) throws -> Theme {
    let root: JSONValue
    do {
      root = try JSONDecoder().decode(JSONValue.self, from: data)
    } catch {
      throw ThemeFileError(file: file, problem: "not valid JSON (\(jsonProblem(error)))")
    }
    guard case .object(let top) = root else { throw ThemeFileError(file: file, problem: "the top level must be a JSON object") }
    if let unknown = top.keys.filter({ !topLevelKeys.contains($0) }).sorted().first {
      throw ThemeFileError(file: file, key: unknown, problem: "unknown key (expected \(topLevelKeys.sorted().joined(separator: ", ")))")
    }
    guard case .string(let declared)? = top["format"] else {
      throw ThemeFileError(file: file, key: "format", problem: "missing; a theme file starts with \"format\": \"\(format)\"")
    }
    guard declared == format else { throw ThemeFileError(file: file, key: "format", problem: "\"\(declared)\" is not \"\(format)\"") }
    guard case .string(let name)? = top["name"], !name.isEmpty else {
      throw ThemeFileError(file: file, key: "name", problem: "missing or not a non-empty string")
    }
    if let description = top["description"] {
      guard case .string = description else { throw ThemeFileError(file: file, key: "description", problem: "must be a string") }
    }
    guard case .number(let colorCount)? = top["colors"], let colors = Int(exactly: colorCount), paletteSizes.contains(colors) else {
      throw ThemeFileError(file: file, key: "colors", problem: "missing or not one of \(paletteSizes.map(String.init).joined(separator: ", "))")
    }
    guard case .object(let roles)? = top["roles"] else {
      throw ThemeFileError(file: file, key: "roles", problem: "missing or not an object of role styles")
    }
    var styles: [StyleRole: RoleStyle] = [:]
    for (roleName, value) in roles {
      guard let role = StyleRole(rawValue: roleName) else {
        throw ThemeFileError(file: file, role: roleName, problem: "unknown role (the roles are \(StyleRole.allCases.map(\.rawValue).joined(separator: ", ")))")
      }
      styles[role] = try roleStyle(value, role: roleName, colors: colors, file: file)
    }
    return Theme(name: name, colors: colors, styles: styles)
  }

  static func roleStyle(_ value: JSONValue, role: String, colors: Int, file: String) throws -> RoleStyle {
    guard case .object(let fields) = value else {
      throw ThemeFileError(file: file, role: role, problem: "must be an object such as {\"fg\": 231, \"bg\": 124, \"bold\": true}")
    }
    var style = RoleStyle()
    for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
      switch key {
      case "fg": style.foreground = try color(field, colors: colors, at: (file, role, key))
      case "bg": style.background = try color(field, colors: colors, at: (file, role, key))
      case "bold", "reverse", "underline", "dim":
        guard case .bool(let on) = field else { throw ThemeFileError(file: file, role: role, key: key, problem: "must be true or false") }
        switch key {
        case "bold": style.bold = on
        case "reverse": style.reverse = on
        case "underline": style.underline = on
        default: style.dim = on
        }
      default:
        throw ThemeFileError(file: file, role: role, key: key, problem: "unknown key (expected fg, bg, \(attributeKeys.joined(separator: ", ")))")
      }
    }
    return style
  }

  static func color(_ value: JSONValue, colors: Int, at place: (file: String, role: String, key: String)) throws -> TerminalColor {
    func failure(_ problem: String) -> ThemeFileError { ThemeFileError(file: place.file, role: place.role, key: place.key, problem: problem) }
    let index: Int
    switch value {
    case .string("default"): return .standard
    case .string(let name):
      guard let named = colorNames[name] else {
        throw failure("\"\(name)\" is not a colour (use \"default\", a palette index or one of \(colorNames.keys.sorted().joined(separator: ", ")))")
      }
      index = named
    case .number(let number):
      guard let exact = Int(exactly: number), (0...255).contains(exact) else { throw failure("\(number) is not a palette index 0-255") }
      index = exact
    default:
      throw failure("must be \"default\", a colour name or a palette index 0-255")
    }
    guard index < colors else {
      throw failure(colors == 0
        ? "a theme with \"colors\": 0 uses attributes only, so every colour must be \"default\""
        : "palette index \(index) is outside the theme's \(colors) colours (raise \"colors\" or choose a lower index)")
    }
    return .index(index)
  }

  static func jsonProblem(_ error: Error) -> String {
    if case DecodingError.dataCorrupted(let context) = error {
      return context.underlyingError.map { String(describing: $0) } ?? context.debugDescription
    }
    return String(describing: error)
  }
}
