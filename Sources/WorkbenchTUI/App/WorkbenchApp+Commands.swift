import CircuitAnalysis
import Foundation
import WorkbenchCore

/// Sending commands to the worker and taking in what they produced.
extension WorkbenchApp {
  /// Commands that only change what is shown: no live re-run after them.
  static let viewOnly: Set<String> = ["select", "view", "theme", "help", "export", "save", "save-screen"]

  /// Commands after which the interface takes the workbench's view: they set it (typed at the
  /// `:` line), or replace the session.
  static let viewSetting: Set<String> = ["select", "view", "theme", "open", "model"]

  /// Queues a command line. A line that does not parse, or fails the catalog's checks, is
  /// refused here with its error on the status line (nothing is queued). `typed` marks a line
  /// from the `:` prompt: its view changes are taken over when it has run. A line that is not
  /// `logged` (the `select` a key sends) shows its message only if it fails.
  public func send(_ line: String, logged: Bool, typed: Bool = false) {
    let name: String
    do {
      guard let parsed = try CommandParser.parse(line) else { return }
      try CommandCatalog.check(parsed)
      name = parsed.name.text
    } catch {
      show(error: error)
      return
    }
    if logged { state.log.append(AppState.LogLine(text: "› \(line)", role: .dim, result: nil)) }
    let job = worker.submit(line, refreshLive: !Self.viewOnly.contains(name))
    let adopt = (typed && Self.viewSetting.contains(name)) || name == "open" || name == "model"
    jobs.append(PendingJob(job: job, adoptView: adopt, startup: starting, quiet: !logged))
    needsRedraw = true
    pump()
  }

  func finish(_ completion: EngineWorker.Completion) {
    guard let index = jobs.firstIndex(where: { $0.job.id == completion.job.id }) else { return }
    let (adoptView, startup, quiet) = (jobs[index].adoptView, jobs[index].startup, jobs[index].quiet)
    jobs.remove(at: index)
    let previousHistory = state.engine.historyCount
    state.engine = completion.snapshot
    if adoptView { state.view = completion.snapshot.view }
    clampSelection()
    let name = completion.job.line.split(separator: " ").first.map(String.init) ?? ""
    switch completion.output {
    case .success(let output?):
      switch output {
      case .message(let text):
        guard !quiet else { break }
        state.message = text.split(separator: "\n").first.map(String.init)
        state.messageIsError = false
        if !Self.viewOnly.contains(name) || name == "save" || name == "export" {
          state.log.append(AppState.LogLine(text: "  " + (state.message ?? ""), role: .text, result: nil))
        }
      case .results(let results):
        for result in results {
          state.results.append(result)
          state.log.append(AppState.LogLine(text: "  " + ResultSummary.line(result), role: .text, result: state.results.count - 1))
        }
        state.message = results.first.map { ResultSummary.line($0) }
        state.messageIsError = false
      }
    case .success(nil): break
    case .failure(let error):
      if case AnalysisError.cancelled = error {
        state.message = Self.describe(error)
        state.messageIsError = false
        state.log.append(AppState.LogLine(text: "  \(Self.describe(error))", role: .dim, result: nil))
      } else {
        show(error: error)
        state.log.append(AppState.LogLine(text: "  error: \(Self.describe(error))", role: .error, result: nil))
      }
    }
    if let liveError = completion.liveError { show(error: liveError) }
    if name == "save", case .success = completion.output {
      state.unsaved = false
      state.sessionPath = completion.job.line.split(separator: " ", maxSplits: 1).last.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
    } else if name == "open", case .success = completion.output {
      state.unsaved = false
      state.sessionPath = completion.job.line.split(separator: " ", maxSplits: 1).last.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
    } else if state.engine.historyCount != previousHistory && !startup {
      state.unsaved = true
    }
    if name == "theme", case .success = completion.output { applyTheme(state.engine.view.theme) }
    needsRedraw = true
  }

  func applyTheme(_ name: String) {
    do {
      theme = try loadTheme(name)
      state.monochrome = theme.colors == 0
      state.view.theme = name
    } catch {
      show(error: error)
    }
  }

  func show(error: Error) {
    state.message = Self.describe(error)
    state.messageIsError = true
    needsRedraw = true
  }

  static func describe(_ error: Error) -> String {
    let text = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    return text.replacingOccurrences(of: "\n", with: " · ")
  }

  /// Keeps the selection inside the model and the prompt.
  func clampSelection() {
    let e = state.engine
    if e.layers > 0 { state.view.layer = min(state.view.layer, e.layers - 1) }
    if e.heads > 0 { state.view.head = min(state.view.head, e.heads - 1) }
    let count = e.live?.count ?? 0
    if let t = state.view.token, t >= count { state.view.token = count > 0 ? count - 1 : nil }
    if let s = state.view.source, s >= count { state.view.source = nil }
  }
}

/// A result in one line for the log and the status line: its kind, and its largest cell.
enum ResultSummary {
  static func line(_ result: AnalysisResult) -> String {
    let numbers = result.values.numbers
    var text = result.kind
    if result.axes.isEmpty, let v = numbers.first ?? nil {
      text += " = \(String(format: "%.4f", v))"
    } else if let best = numbers.indices.filter({ numbers[$0] != nil && isValue($0, in: result) }).max(by: { abs(numbers[$0]!) < abs(numbers[$1]!) }) {
      text += ": largest \(String(format: "%+.4f", numbers[best]!)) at \(label(of: best, in: result))"
    }
    if result.complete == false { text += " (cancelled: partial)" }
    return text
  }

  /// Whether cell `index` is a value rather than a token id or position: in a token table (a
  /// last axis `field` with a `score` column, e.g. `weights.ov`) only the scores are.
  static func isValue(_ index: Int, in result: AnalysisResult) -> Bool {
    guard let last = result.axes.last, last.name == "field", let score = last.labels.firstIndex(of: "score") else { return true }
    return index % last.count == score
  }

  /// The axis labels of flat cell `index`, e.g. `2.1` for layer 2, head 1.
  static func label(of index: Int, in result: AnalysisResult) -> String {
    let parts = zip(result.axes, ResultGrid.index(ofCell: index, shape: result.values.shape)).map { axis, i in
      axis.labels.isEmpty ? "\(i)" : axis.labels[i]
    }
    return result.isHeadGrid ? parts.joined(separator: ".") : parts.joined(separator: ", ")
  }
}
