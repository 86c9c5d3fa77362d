import Foundation
import WorkbenchTUI
import XCTest

final class ThemeLocatorTests: XCTestCase {
  private var root: URL!

  override func setUpWithError() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("theme-locator-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

  /// Writes a minimal theme called `name` (its `name` field says where it came from).
  private func writeTheme(_ name: String, in folder: String, label: String) throws {
    let directory = root.appendingPathComponent(folder)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try #"{"format": "headlab.theme/1", "name": "\#(label)", "colors": 0, "roles": {}}"#
      .write(to: directory.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
  }

  private func locator(environment: [String: String] = [:], executable: String? = nil) -> ThemeLocator {
    ThemeLocator(environment: environment, executable: executable.map { root.appendingPathComponent($0) },
                 currentDirectory: root.appendingPathComponent("cwd"), homeDirectory: root.appendingPathComponent("home"))
  }

  func testSearchOrder() throws {
    try writeTheme("dark", in: "repo/Themes", label: "beside the executable")
    try writeTheme("dark", in: "cwd/Themes", label: "working directory")
    try writeTheme("dark", in: "home/.config/headlab/themes", label: "config")
    try writeTheme("dark", in: "env2", label: "HEADLAB_THEMES second")
    try writeTheme("only", in: "cwd/Themes", label: "only in cwd")
    let executable = "repo/.build/x86_64-unknown-linux-gnu/release/headlab"
    try FileManager.default.createDirectory(at: root.appendingPathComponent(executable).deletingLastPathComponent(), withIntermediateDirectories: true)

    let env = ["HEADLAB_THEMES": root.appendingPathComponent("env1").path + ":" + root.appendingPathComponent("env2").path]
    XCTAssertEqual(try locator(environment: env, executable: executable).load("dark").name, "HEADLAB_THEMES second")
    XCTAssertEqual(try locator(executable: executable).load("dark").name, "config")
    try FileManager.default.removeItem(at: root.appendingPathComponent("home/.config/headlab/themes/dark.json"))
    XCTAssertEqual(try locator(executable: executable).load("dark").name, "beside the executable")
    XCTAssertEqual(try locator().load("dark").name, "working directory")
    XCTAssertEqual(try locator(executable: executable).load("only").name, "only in cwd")
    try writeTheme("dark", in: "xdg/headlab/themes", label: "XDG")
    XCTAssertEqual(try locator(environment: ["XDG_CONFIG_HOME": root.appendingPathComponent("xdg").path]).load("dark").name, "XDG")
  }

  func testPathsAreReadDirectly() throws {
    try writeTheme("mine", in: "cwd/custom", label: "by path")
    XCTAssertEqual(try locator().load("custom/mine.json").name, "by path", "relative to the working directory")
    XCTAssertEqual(try locator().load(root.appendingPathComponent("cwd/custom/mine.json").path).name, "by path")
    XCTAssertTrue(ThemeLocator.isPath("mine.json"))
    XCTAssertFalse(ThemeLocator.isPath("mine"))
    XCTAssertThrowsError(try locator().load("custom/none.json")) { error in
      XCTAssertTrue("\(error)".contains("custom/none.json"), "\(error)")
    }
  }

  func testUnknownNamesListTheAvailableThemes() throws {
    try writeTheme("dark", in: "cwd/Themes", label: "d")
    try writeTheme("mono", in: "home/.config/headlab/themes", label: "m")
    XCTAssertThrowsError(try locator().load("solarized")) { error in
      guard let notFound = error as? ThemeNotFound else { return XCTFail("\(error)") }
      XCTAssertEqual(notFound.available, ["dark", "mono"])
      XCTAssertTrue(notFound.description.contains(#"no theme named "solarized" (available: dark, mono"#), notFound.description)
    }
  }

  func testTheRepositoryThemesAreFoundFromTheTestBinary() throws {
    // The test binary lives in .build/<triple>/release like headlab, so walking up reaches Themes/.
    let found = ThemeLocator(environment: [:], executable: Bundle.main.executableURL,
                             currentDirectory: root, homeDirectory: root).themesFolderAboveExecutable
    XCTAssertEqual(found?.standardizedFileURL.path, ThemeFileTests.themes.standardizedFileURL.path)
    XCTAssertEqual(ThemeLocator(environment: [:], currentDirectory: root, homeDirectory: root).availableThemes, ["dark", "light", "mono"])
  }
}
