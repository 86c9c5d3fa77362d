import Foundation
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import CNCurses

// Process-wide state for restoring the terminal; a signal handler reads it, so it lives in plain
// globals set up before any handler is installed (no lazy initialisation inside a handler).
nonisolated(unsafe) private var cursesActive = false
nonisolated(unsafe) private var handlersInstalled = false
/// The file standard error writes into while the screen is up (-1: not held).
nonisolated(unsafe) private var heldStandardError: Int32 = -1
/// The real standard error, saved while it is held (-1: not held).
nonisolated(unsafe) private var savedStandardError: Int32 = -1
/// [4096] bytes, for copying the held output back without allocating.
nonisolated(unsafe) private let replayBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
/// [65] the actions in place before ours, by signal number.
nonisolated(unsafe) private let previousActions: UnsafeMutablePointer<sigaction> = {
  let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
  actions.initialize(repeating: sigaction(), count: 65)
  return actions
}()

/// Restores the terminal on every way out of the process: `restore()`, `exit` (atexit), the
/// termination signals (SIGTERM, SIGINT, SIGHUP, SIGQUIT: restore, then die of the signal with its
/// default action, so a shell sees status 128+signal) and the crash signals a Swift fatal error or a
/// memory fault raises (SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE: restore, then hand the
/// signal to the handler that was there before, e.g. Swift's backtracer, which then prints on the
/// restored screen).
enum TerminalRestoration {
  static let terminationSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT]
  static let crashSignals: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE]

  /// Marks curses as running (after `newterm`) and installs the exit hooks once.
  static func cursesStarted(holdStandardError: Bool) {
    _ = replayBuffer
    _ = previousActions
    if holdStandardError { holdStandardErrorOutput() }
    cursesActive = true
    guard !handlersInstalled else { return }
    handlersInstalled = true
    atexit { TerminalRestoration.restoreNow() }
    for signal in terminationSignals + crashSignals { install(signal) }
  }

  static var isActive: Bool { cursesActive }

  /// Leaves curses (endwin: the normal screen, echo, cursor, keypad and mouse modes back) and
  /// replays what was written to standard error meanwhile. Idempotent; only async-signal-safe
  /// calls apart from endwin itself.
  static func restoreNow() {
    if cursesActive {
      cursesActive = false
      endwin()
    }
    releaseStandardError()
  }

  /// Standard error goes into an unlinked temporary file while the screen is up, so a warning or a
  /// fatal-error message does not scribble over the screen and is not lost with it: `restoreNow`
  /// writes it out after the screen is gone.
  private static func holdStandardErrorOutput() {
    guard heldStandardError < 0 else { return }
    let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array((directory.hasSuffix("/") ? directory : directory + "/").appending("headlab-stderr-XXXXXX").utf8CString)
    let file = mkstemp(&template)
    guard file >= 0 else { return }
    unlink(&template)
    let saved = dup(STDERR_FILENO)
    guard saved >= 0, dup2(file, STDERR_FILENO) >= 0 else {
      close(file)
      if saved >= 0 { close(saved) }
      return
    }
    savedStandardError = saved
    heldStandardError = file
  }

  private static func releaseStandardError() {
    guard heldStandardError >= 0, savedStandardError >= 0 else { return }
    let held = heldStandardError
    heldStandardError = -1
    dup2(savedStandardError, STDERR_FILENO)
    close(savedStandardError)
    savedStandardError = -1
    lseek(held, 0, SEEK_SET)
    while true {
      let count = read(held, replayBuffer, 4096)
      if count <= 0 { break }
      var written = 0
      while written < count {
        let n = write(STDERR_FILENO, replayBuffer + written, count - written)
        if n <= 0 { break }
        written += n
      }
    }
    close(held)
  }

  private static func install(_ signal: Int32) {
    var action = sigaction()
    #if canImport(Glibc)
      action.__sigaction_handler.sa_sigaction = restoreOnSignal
    #else
      action.__sigaction_u.__sa_sigaction = restoreOnSignal
    #endif
    action.sa_flags = SA_SIGINFO
    sigemptyset(&action.sa_mask)
    sigaction(signal, &action, previousActions + Int(signal))
  }

  fileprivate static func handle(_ signal: Int32, sentByProcess: Bool) {
    restoreNow()
    if terminationSignals.contains(signal) {
      resetToDefaultAction(signal)
      raise(signal)  // delivered with the default action when this handler returns
      return
    }
    // A crash: put the previous handler back. A fault re-runs the faulting instruction on return
    // and reaches it; a signal sent by kill/raise/abort is raised again.
    sigaction(signal, previousActions + Int(signal), nil)
    if sentByProcess { raise(signal) }
  }
}

/// Resets `signal` to its default action.
private func resetToDefaultAction(_ signal: Int32) {
  var action = sigaction()
  sigemptyset(&action.sa_mask)
  #if canImport(Glibc)
    action.__sigaction_handler.sa_handler = SIG_DFL
  #else
    action.__sigaction_u.__sa_handler = SIG_DFL
  #endif
  sigaction(signal, &action, nil)
}

private func restoreOnSignal(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
  // si_code <= 0: sent by kill, raise, abort or sigqueue rather than by a fault.
  TerminalRestoration.handle(signal, sentByProcess: (info?.pointee.si_code ?? 0) <= 0)
}
