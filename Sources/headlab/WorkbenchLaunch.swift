import ArgumentParser
import CursesTerminal
import Foundation
import WorkbenchCore
import WorkbenchTUI

/// `headlab workbench`, and `headlab` with no subcommand on a terminal: the ncurses workbench.
struct WorkbenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workbench",
    abstract: "Open the terminal workbench (what `headlab` with no subcommand does on a terminal).")

  @Option(name: .long, help: "The model: `default` (the embedded model), a directory, or a name in the offline Hugging Face cache.")
  var model = "default"

  @Option(name: .long, help: "Open this session file instead of starting fresh.")
  var session: String?

  @Option(name: .long, help: "The theme: dark, light, mono, or a theme file.")
  var theme = "dark"

  @Option(name: .long, help: "The prompt to start with.")
  var prompt = WorkbenchLauncher.ioiPrompt

  func run() throws {
    try reportingErrors {
      try WorkbenchLauncher.open(model: model, session: session, theme: theme, prompt: prompt)
    }
  }
}

/// Starts the workbench on the real terminal and runs it until the user quits.
enum WorkbenchLauncher {
  static let ioiPrompt = "When Mary and John went to the store, John gave a drink to"
  static let ioiCorrupted = "When Mary and John went to the store, Mary gave a drink to"

  /// The first commands: the model, a prompt, and (for the IOI prompt) its answer and pair.
  static func startCommands(model: String, session: String?, prompt: String) -> [String] {
    if let session { return ["open \(ParsedLine.quotedValue(session))"] }
    var lines = ["model \(ParsedLine.quotedValue(model))", "prompt \(ParsedLine.quotedValue(prompt))"]
    if prompt == ioiPrompt {
      lines += [#"answer " Mary" " John""#, "pair clean=\(ParsedLine.quotedValue(ioiPrompt)) corrupted=\(ParsedLine.quotedValue(ioiCorrupted))"]
    }
    return lines
  }

  static func open(model: String, session: String?, theme themeName: String, prompt: String) throws {
    let locator = ThemeLocator()
    let theme = try locator.load(themeName)
    let terminal = try NCursesTerminal()
    // NO_COLOR, or a terminal without colours: the theme's attributes only (and shade glyphs).
    let plain = terminal.capabilities.colors == 0
    let load = { (name: String) throws -> Theme in
      let loaded = try locator.load(name)
      return plain ? loaded.withoutColors : loaded
    }
    let app = WorkbenchApp(workbench: Workbench(), columns: terminal.columns, rows: terminal.rows,
                           theme: plain ? theme.withoutColors : theme, loadTheme: load)
    app.start(commands: startCommands(model: model, session: session, prompt: prompt))
    app.run(on: terminal)
  }
}
