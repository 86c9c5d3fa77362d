import CircuitAnalysis
import Foundation

/// A long command's progress on stderr, redrawn in place as `[#####     ] 45% ETA 3s` while
/// stderr is a terminal, and cleared when the command ends. When stderr is not a terminal (a log
/// file, a pipe, a cluster job's output) nothing is written.
public final class TerminalProgress: @unchecked Sendable {
  private let lock = NSLock()
  private let write: @Sendable (String) -> Void
  private var started = DispatchTime.now().uptimeNanoseconds
  private var drawn: String?
  /// What the running command reports to; pass it to `Workbench.execute(_:progress:)`.
  public private(set) var progress = AnalysisProgress.none

  /// A bar on stderr when stderr is a terminal, otherwise nil (no bar at all).
  public static func onStandardError() -> TerminalProgress? {
    guard isatty(STDERR_FILENO) != 0 else { return nil }
    return TerminalProgress { FileHandle.standardError.write(Data($0.utf8)) }
  }

  /// A bar written with `write` (the terminal's stderr, or a test's buffer).
  public init(write: @escaping @Sendable (String) -> Void) {
    self.write = write
    progress = AnalysisProgress { [weak self] done, total in self?.update(done: done, total: total) }
  }

  func update(done: Int, total: Int) {
    lock.withLock {
      let now = DispatchTime.now().uptimeNanoseconds
      if done == 0 { started = now }  // each analysis (and each phase of one) starts its own clock
      let text = Self.line(done: done, total: total, elapsedSeconds: Double(now - started) / 1e9)
      guard text != drawn else { return }
      drawn = text
      write(text + "\u{1B}[K")  // erase what a longer earlier line left
    }
  }

  /// Clears the bar's line, if one was drawn (before the command's output is printed).
  public func finish() {
    lock.withLock {
      guard drawn != nil else { return }
      drawn = nil
      write("\r\u{1B}[K")
    }
  }

  /// `\r[#####     ] 45% ETA 3s`: a bar of `width` cells, the percentage done, and the time left
  /// at the rate so far (none before the first unit is done).
  public static func line(done: Int, total: Int, elapsedSeconds: Double, width: Int = 10) -> String {
    let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 0
    let filled = Int((fraction * Double(width)).rounded())
    var text = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] \(Int(fraction * 100))%"
    if done > 0 && done < total {
      text += " ETA " + duration(elapsedSeconds / Double(done) * Double(total - done))
    }
    return text
  }

  /// `3s`, `2m05s`, `1h02m`: whole seconds, rounded up.
  public static func duration(_ seconds: Double) -> String {
    let s = Int(max(0, seconds).rounded(.up))
    if s < 60 { return "\(s)s" }
    if s < 3600 { return "\(s / 60)m" + String(format: "%02ds", s % 60) }
    return "\(s / 3600)h" + String(format: "%02dm", s % 3600 / 60)
  }
}
