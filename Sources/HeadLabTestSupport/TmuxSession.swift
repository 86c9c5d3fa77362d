import Foundation
import XCTest

/// A command running in a detached tmux session of a given size, for end-to-end tests of a
/// full-screen program: send keys, read the screen (`capture-pane`), resize, signal, and check how
/// the program left the terminal.
///
/// Each session has its own tmux server (a socket in a fresh temporary folder, `-f` a config written
/// there), so a user's tmux is never touched and nothing leaks between tests. The config turns the
/// status line off (the pane is exactly `columns` x `rows`), sets `escape-time 0` (Esc reaches the
/// program at once) and `remain-on-exit on` (the screen, exit status and terminal modes stay readable
/// after the program ends). The command runs directly (no shell), so `panePID` is its process.
/// Creating a session throws `XCTSkip` when tmux is not installed.
public final class TmuxSession {
  public let command: [String]
  private let folder: URL
  private let tmux: String
  private var killed = false

  /// Starts `command` in a `columns` x `rows` pane with TERM=`terminalType`. The program sees PATH,
  /// HOME, USER and TMPDIR from the test, LANG=C.UTF-8 (tmux runs with -u, so UTF-8 works) and
  /// `environment`; nothing else (in particular not the NO_COLOR=1 that swift test sets).
  public init(
    _ command: [String], columns: Int = 80, rows: Int = 24, terminalType: String = "tmux-256color",
    environment: [String: String] = [:], workingDirectory: URL? = nil
  ) throws {
    guard let tmux = Self.tmuxExecutable() else { throw XCTSkip("tmux is not installed (apt-get install tmux)") }
    self.tmux = tmux
    self.command = command
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-tmux-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let config = [
      "set -g remain-on-exit on", "set -g status off", "set -g escape-time 0",
      "set -g default-terminal \"\(terminalType)\"", "set -g history-limit 2000",
    ].joined(separator: "\n") + "\n"
    try config.write(to: folder.appendingPathComponent("tmux.conf"), atomically: true, encoding: .utf8)
    var arguments = ["new-session", "-d", "-s", "main", "-x", String(columns), "-y", String(rows)]
    if let workingDirectory { arguments += ["-c", workingDirectory.path] }
    var variables = ["LANG": "C.UTF-8"]
    variables.merge(environment) { $1 }
    for (name, value) in variables.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(name)=\(value)"] }
    try run(arguments + command)
  }

  deinit { kill() }

  /// The variables the tmux server (and so the program) takes from the test's environment; LANG is
  /// C.UTF-8, TERM is the session's `terminalType`, everything else comes from `environment:`.
  public static let inheritedVariables: Set<String> = ["PATH", "HOME", "USER", "TMPDIR"]

  /// The tmux executable on PATH (or in /usr/bin, /usr/local/bin), nil if there is none.
  public static func tmuxExecutable() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
    return folders.map { $0 + "/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  // MARK: Input

  /// Sends tmux key names, each a key: "a", "Enter", "C-c", "Up", "BTab", "F5", "Escape", "BSpace".
  public func sendKeys(_ keys: String...) throws { try run(["send-keys", "-t", "main"] + keys) }

  /// Types `text` literally (UTF-8 included).
  public func type(_ text: String) throws { try run(["send-keys", "-t", "main", "-l", "--", text]) }

  /// Sends raw bytes to the program (e.g. a mouse report).
  public func sendBytes(_ bytes: [UInt8]) throws {
    try run(["send-keys", "-t", "main", "-H"] + bytes.map { String(format: "%02x", $0) })
  }

  /// Resizes the window (the program gets SIGWINCH).
  public func resize(columns: Int, rows: Int) throws {
    try run(["resize-window", "-t", "main", "-x", String(columns), "-y", String(rows)])
  }

  /// Sends `signal` to the program.
  public func signal(_ signal: Int32) throws {
    guard let pid = Int32(try value("#{pane_pid}")), pid > 0 else { throw TmuxError("no pane process for \(command)") }
    guard Foundation.kill(pid, signal) == 0 else { throw TmuxError("cannot send signal \(signal) to \(pid)") }
  }

  /// Starts the command again in the same pane after it has ended (`respawn-pane`), so that
  /// nothing typed afterwards can reach a shell.
  public func respawn() throws { try run(["respawn-pane", "-k", "-t", "main"] + command) }

  // MARK: Reading

  /// The visible screen as text, one line per row (tmux drops trailing spaces).
  public func screen() throws -> String { try run(["capture-pane", "-p", "-t", "main"]) }

  /// The visible screen with SGR escape sequences for colours and attributes (`capture-pane -e`).
  public func styledScreen() throws -> String { try run(["capture-pane", "-p", "-e", "-t", "main"]) }

  /// The screen and everything scrolled off it, with wrapped lines joined.
  public func screenWithHistory() throws -> String { try run(["capture-pane", "-p", "-J", "-S", "-", "-t", "main"]) }

  /// A tmux format expanded for the pane, e.g. "#{alternate_on}", "#{pane_dead_status}".
  public func value(_ format: String) throws -> String {
    try run(["display-message", "-p", "-t", "main", format]).trimmingCharacters(in: .newlines)
  }

  /// Whether the program has ended.
  public var hasExited: Bool { (try? value("#{pane_dead}")) == "1" }

  /// The program's exit status, nil while it runs or if a signal ended it.
  public var exitStatus: Int? { collectedEnding()?.status }

  /// The signal that ended the program, nil while it runs or if it exited.
  public var exitSignal: Int32? { collectedEnding()?.signal }

  /// How the program ended, once tmux knows. tmux marks a pane dead when its terminal closes and
  /// learns the status when it reaps the process; tmux 3.3 sometimes misses that SIGCHLD and leaves
  /// the process a zombie until another child ends, so after a short wait this runs `run-shell
  /// true` to make it reap again. Nil while the program runs (or if tmux never reports).
  private func collectedEnding(timeout: TimeInterval = 5) -> (status: Int?, signal: Int32?)? {
    let deadline = Date().addingTimeInterval(timeout)
    var nudged = Date()
    while Date() < deadline {
      guard let state = try? value("#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}") else { return nil }
      let parts = state.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count == 3, parts[0] == "1" else { return nil }
      if !parts[1].isEmpty || !parts[2].isEmpty { return (Int(parts[1]), Int32(parts[2])) }
      if Date().timeIntervalSince(nudged) > 0.1 {
        _ = try? run(["run-shell", "true"])
        nudged = Date()
      }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return nil
  }

  /// How the program left the terminal: the modes a full-screen program switches on and must
  /// switch off again. All false (and the cursor visible) after a clean restore.
  public struct TerminalModes: Equatable, CustomStringConvertible {
    public var alternateScreen: Bool
    public var cursorVisible: Bool
    public var keypadMode: Bool
    public var mouseReporting: Bool

    public init(alternateScreen: Bool, cursorVisible: Bool, keypadMode: Bool, mouseReporting: Bool) {
      self.alternateScreen = alternateScreen
      self.cursorVisible = cursorVisible
      self.keypadMode = keypadMode
      self.mouseReporting = mouseReporting
    }

    /// How a shell expects the terminal: the normal screen, a visible cursor, no keypad or mouse mode.
    public static let restored = TerminalModes(alternateScreen: false, cursorVisible: true, keypadMode: false, mouseReporting: false)

    public var description: String {
      "alternate screen \(alternateScreen), cursor visible \(cursorVisible), keypad mode \(keypadMode), mouse reporting \(mouseReporting)"
    }
  }

  public func terminalModes() throws -> TerminalModes {
    let flags = try value("#{alternate_on} #{cursor_flag} #{keypad_cursor_flag}#{keypad_flag} #{mouse_any_flag}").split(separator: " ")
    guard flags.count == 4 else { throw TmuxError("unexpected tmux flags \(flags)") }
    return TerminalModes(alternateScreen: flags[0] == "1", cursorVisible: flags[1] == "1", keypadMode: flags[2] != "00",
                         mouseReporting: flags[3] == "1")
  }

  // MARK: Waiting

  /// Waits until `condition` holds for the screen; returns that screen, or fails with the last one.
  @discardableResult
  public func waitForScreen(timeout: TimeInterval = 10, _ what: String, _ condition: (String) -> Bool) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    while Date() < deadline {
      last = try screen()
      if condition(last) { return last }
      Thread.sleep(forTimeInterval: 0.02)
    }
    throw TmuxError("timed out after \(timeout) s waiting for \(what); the screen was:\n\(last)")
  }

  /// Waits until the screen contains `text`.
  @discardableResult
  public func waitFor(_ text: String, timeout: TimeInterval = 10) throws -> String {
    try waitForScreen(timeout: timeout, "\"\(text)\"") { $0.contains(text) }
  }

  /// Waits until the program has ended.
  public func waitForExit(timeout: TimeInterval = 10) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if hasExited { return }
      Thread.sleep(forTimeInterval: 0.02)
    }
    throw TmuxError("\(command) still runs after \(timeout) s; the screen was:\n\((try? screen()) ?? "")")
  }

  // MARK: Ending

  /// Stops the tmux server (and the program with it) and removes the temporary folder. Idempotent.
  public func kill() {
    guard !killed else { return }
    killed = true
    _ = try? run(["kill-server"])
    try? FileManager.default.removeItem(at: folder)
  }

  /// Whether this session's tmux server still answers.
  public var serverIsRunning: Bool { !killed && (try? run(["has-session", "-t", "main"])) != nil }

  // MARK: Running tmux

  @discardableResult
  private func run(_ arguments: [String]) throws -> String {
    let socket = folder.appendingPathComponent("socket").path
    let config = folder.appendingPathComponent("tmux.conf").path
    let outputFile = folder.appendingPathComponent("output").path
    let errorFile = folder.appendingPathComponent("errors").path
    let status = try Self.spawnAndWait(tmux, ["-u", "-S", socket, "-f", config] + arguments, output: outputFile, errors: errorFile)
    let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
    guard status == 0 else {
      let problem = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
      throw TmuxError("tmux \(arguments.joined(separator: " ")) failed (\(status)): \(problem)")
    }
    return text
  }

  /// Runs `executable` with output and errors written to files, and returns its exit status.
  /// posix_spawn and waitpid rather than Foundation's Process: `tmux new-session` leaves a server
  /// behind that inherits the client's descriptors, and Process then never sees the client end.
  private static func spawnAndWait(_ executable: String, _ arguments: [String], output: String, errors: String) throws -> Int32 {
    #if canImport(Glibc)
      var actions = posix_spawn_file_actions_t()
    #else
      var actions: posix_spawn_file_actions_t?
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    // The server, and so every program in its panes, starts from a small fixed environment: not the
    // test's, which has NO_COLOR=1 (set by swift test), TERM and perhaps TMUX. Callers add
    // variables with `environment:`.
    var environment = ProcessInfo.processInfo.environment.filter { inheritedVariables.contains($0.key) }
    environment["LANG"] = "C.UTF-8"
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let started = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard started == 0 else { throw TmuxError("cannot start \(executable): \(String(cString: strerror(started)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { throw TmuxError("waiting for \(executable) failed: \(String(cString: strerror(errno)))") }
    }
    // WIFEXITED / WEXITSTATUS, which Swift does not import; a signal counts as 128+signal.
    return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  }
}

/// A tmux command that failed, or a wait that timed out (with the screen at the time).
public struct TmuxError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
