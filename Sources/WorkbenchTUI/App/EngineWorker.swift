import CircuitAnalysis
import Foundation
import WorkbenchCore

/// Runs workbench commands one at a time on a background thread, so the interface keeps handling
/// keys while an analysis runs. The `Workbench` is only touched on that thread (or inline, in
/// the synchronous mode that tests and `--screen` use). Finished commands and progress wait in
/// an inbox the interface drains.
final class EngineWorker: @unchecked Sendable {
  /// A command to run, and what to do after it.
  struct Job: Sendable {
    let id: Int
    let line: String
    /// Recompute the live view afterwards.
    let refreshLive: Bool
    let progress: AnalysisProgress
  }

  /// A finished job: its output or error, and the engine's state after it.
  struct Completion: @unchecked Sendable {
    let job: Job
    let output: Result<CommandOutput?, Error>
    let snapshot: EngineSnapshot
    /// An error of the live view's forward pass (e.g. a prompt longer than the context).
    let liveError: Error?
  }

  let workbench: Workbench
  let synchronous: Bool
  private let queue = DispatchQueue(label: "headlab.engine")
  private let lock = NSLock()
  private var inbox: [Completion] = []
  private var progressByJob: [Int: (done: Int, total: Int)] = [:]
  private var nextID = 0
  private var running: Set<Int> = []
  private var live: LiveView?
  private var stopping = false

  init(workbench: Workbench, synchronous: Bool) {
    self.workbench = workbench
    self.synchronous = synchronous
  }

  /// Queues `line`; returns the job (its progress can cancel it).
  @discardableResult
  func submit(_ line: String, refreshLive: Bool) -> Job {
    let id: Int = lock.withLock {
      nextID += 1
      running.insert(nextID)
      return nextID
    }
    let progress = AnalysisProgress { [weak self] done, total in
      self?.lock.withLock { self?.progressByJob[id] = (done, total) }
    }
    let job = Job(id: id, line: line, refreshLive: refreshLive, progress: progress)
    if synchronous { run(job) } else { queue.async { self.run(job) } }
    return job
  }

  private func run(_ job: Job) {
    // After `stop`, queued jobs are skipped except those that write files the user asked for.
    if lock.withLock({ stopping }) && !Self.writesFiles(job.line) {
      lock.withLock { running.remove(job.id) }
      return
    }
    let output = Result { try workbench.execute(line: job.line, progress: job.progress) }
    var liveError: Error?
    if job.refreshLive {
      do { live = try workbench.liveView() } catch {
        live = nil
        liveError = error
      }
    }
    var snapshot = EngineSnapshot(workbench)
    snapshot.live = live
    let completion = Completion(job: job, output: output, snapshot: snapshot, liveError: liveError)
    lock.withLock {
      inbox.append(completion)
      running.remove(job.id)
      progressByJob[job.id] = nil
    }
  }

  /// The finished jobs since the last call, oldest first.
  func drain() -> [Completion] {
    lock.withLock {
      defer { inbox.removeAll() }
      return inbox
    }
  }

  /// The progress of a running job.
  func progress(of id: Int) -> (done: Int, total: Int)? { lock.withLock { progressByJob[id] } }

  var pendingCount: Int { lock.withLock { running.count } }

  /// Stops for the workbench's exit: the running job is cancelled, queued ones are skipped (but
  /// `save`, `export`, `cache` and `save-screen` still run, so nothing asked for is lost), and it
  /// waits for the worker to be idle, so that no engine code runs while the process exits
  /// (OpenBLAS frees its buffers at exit).
  func stop(cancelling running: [Job]) {
    lock.withLock { stopping = true }
    for job in running { job.progress.cancel() }
    waitUntilIdle()
  }

  /// Whether a command line writes a file.
  static func writesFiles(_ line: String) -> Bool {
    let name = line.split(separator: " ").first.map(String.init) ?? ""
    return ["save", "export", "cache", "save-screen"].contains(name)
  }

  /// Blocks until every queued job has finished (tests and benchmarks).
  func waitUntilIdle() {
    if !synchronous { queue.sync {} }
  }
}
