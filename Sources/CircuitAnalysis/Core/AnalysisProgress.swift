import Foundation

/// Progress reporting and cancellation for a long analysis. The analysis calls `advance` after
/// each unit of work and `checkCancelled` between units; another thread may call `cancel` at any
/// time. A cancelled analysis stops between units (the model is never left mid-pass with hooks
/// installed) and returns its result with `complete: false` and the cells it did not reach `null`.
public final class AnalysisProgress: @unchecked Sendable {
  private let lock = NSLock()
  private var cancelled = false
  private var done = 0
  private var total = 0
  private let onUpdate: (@Sendable (_ done: Int, _ total: Int) -> Void)?

  public init(onUpdate: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) {
    self.onUpdate = onUpdate
  }

  /// A progress that reports nothing and is never cancelled.
  public static var none: AnalysisProgress { AnalysisProgress() }

  public func cancel() { lock.withLock { cancelled = true } }
  public var isCancelled: Bool { lock.withLock { cancelled } }

  /// Starts a run of `total` units.
  public func start(total: Int) {
    lock.withLock {
      self.total = total
      done = 0
    }
    onUpdate?(0, total)
  }

  public func advance(by units: Int = 1) {
    let (d, t) = lock.withLock { () -> (Int, Int) in
      done += units
      return (done, total)
    }
    onUpdate?(d, t)
  }

  public var completed: Int { lock.withLock { done } }
}
