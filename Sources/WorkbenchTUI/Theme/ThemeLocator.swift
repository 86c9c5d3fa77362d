import Foundation

/// Why a theme could not be found.
public struct ThemeNotFound: Error, CustomStringConvertible, Equatable {
  public let name: String
  /// Theme names that do exist, sorted.
  public let available: [String]
  /// The folders searched, first first.
  public let searched: [String]

  public var description: String {
    let names = available.isEmpty ? "none found" : available.joined(separator: ", ")
    return "no theme named \"\(name)\" (available: \(names); searched \(searched.joined(separator: ", ")))"
  }
}

/// Finds a theme by name or path (`--theme`, the `theme` command).
///
/// A path (it contains "/" or ends in ".json") is read as it is. A name `NAME` is `NAME.json` in the
/// first of these folders that has it:
/// 1. each folder in `$HEADLAB_THEMES` (a colon-separated list),
/// 2. `$XDG_CONFIG_HOME/headlab/themes`, else `~/.config/headlab/themes`,
/// 3. the `Themes/` folder next to the executable, found by walking up from its directory
///    (`.build/release/headlab` finds the repository's `Themes/`),
/// 4. `./Themes`.
public struct ThemeLocator {
  public var environment: [String: String]
  /// The running executable (symbolic links are resolved before walking up).
  public var executable: URL?
  public var currentDirectory: URL
  public var homeDirectory: URL

  public init(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    executable: URL? = Bundle.main.executableURL,
    currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
    homeDirectory: URL = FileManager.default.homeDirectoryForCurrentUser
  ) {
    self.environment = environment
    self.executable = executable
    self.currentDirectory = currentDirectory
    self.homeDirectory = homeDirectory
  }

  /// Whether `nameOrPath` names a file rather than a theme.
  public static func isPath(_ nameOrPath: String) -> Bool {
    nameOrPath.contains("/") || nameOrPath.hasSuffix(".json")
  }

  /// The folders a name is looked up in, in order (existing or not).
  public var searchFolders: [URL] {
    var folders: [URL] = []
    for entry in (environment["HEADLAB_THEMES"] ?? "").split(separator: ":") where !entry.isEmpty {
      folders.append(URL(fileURLWithPath: String(entry), isDirectory: true, relativeTo: currentDirectory).standardizedFileURL)
    }
    let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
      ?? homeDirectory.appendingPathComponent(".config", isDirectory: true)
    folders.append(configHome.appendingPathComponent("headlab/themes", isDirectory: true))
    if let besideExecutable = themesFolderAboveExecutable { folders.append(besideExecutable) }
    folders.append(currentDirectory.appendingPathComponent("Themes", isDirectory: true).standardizedFileURL)
    return folders
  }

  /// The nearest `Themes/` folder walking up from the executable's directory.
  public var themesFolderAboveExecutable: URL? {
    guard let executable else { return nil }
    var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
    while true {
      let candidate = folder.appendingPathComponent("Themes", isDirectory: true)
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), isFolder.boolValue { return candidate }
      let parent = folder.deletingLastPathComponent()
      if parent.path == folder.path { return nil }
      folder = parent
    }
  }

  /// The file for a theme name or path.
  public func locate(_ nameOrPath: String) throws -> URL {
    if Self.isPath(nameOrPath) {
      let expanded = nameOrPath.hasPrefix("~/") ? homeDirectory.path + nameOrPath.dropFirst() : nameOrPath
      return URL(fileURLWithPath: expanded, relativeTo: currentDirectory).standardizedFileURL
    }
    let folders = searchFolders
    for folder in folders {
      let file = folder.appendingPathComponent(nameOrPath + ".json")
      if FileManager.default.fileExists(atPath: file.path) { return file }
    }
    throw ThemeNotFound(name: nameOrPath, available: availableThemes, searched: folders.map(\.path))
  }

  /// Finds and reads a theme.
  public func load(_ nameOrPath: String) throws -> Theme {
    try ThemeFile.load(try locate(nameOrPath))
  }

  /// The theme names found in the search folders, sorted, each once.
  public var availableThemes: [String] {
    var names = Set<String>()
    for folder in searchFolders {
      let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      for file in files where file.hasSuffix(".json") { names.insert(String(file.dropLast(5))) }
    }
    return names.sorted()
  }
}
