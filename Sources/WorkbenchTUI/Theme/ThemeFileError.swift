/// A theme file that cannot be used, naming the file and, where it applies, the role and key.
public struct ThemeFileError: Error, CustomStringConvertible, Equatable {
  public let file: String
  /// The role the problem is in (nil: the file's top level).
  public let role: String?
  /// The key the problem is at, e.g. "bg" or "colors".
  public let key: String?
  public let problem: String

  public init(file: String, role: String? = nil, key: String? = nil, problem: String) {
    self.file = file
    self.role = role
    self.key = key
    self.problem = problem
  }

  public var description: String {
    var place = file
    if let role { place += ": role \"\(role)\"" }
    if let key { place += (role == nil ? ": " : ", ") + "key \"\(key)\"" }
    return "\(place): \(problem)"
  }
}
