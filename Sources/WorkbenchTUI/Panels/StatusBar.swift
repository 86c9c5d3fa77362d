import Foundation

/// The top line: model, prompt length, the metric (and its value without interventions), the
/// active interventions, and a running command's progress bar with percentage and ETA.
enum StatusBar {
  static func draw(_ state: AppState, in rect: Rect, on grid: inout CellGrid, now: Date = Date()) {
    grid.fill(rect, role: .status)
    let e = state.engine
    var parts = ["\(e.modelName) \(e.layers)L×\(e.heads)H"]
    if let live = e.live { parts.append("\(live.count) tok") }
    if let live = e.live, let value = live.metric {
      var text = "\(live.metricName) \(format(value))"
      if let plain = live.metricWithoutInterventions { text += " (was \(format(plain)))" }
      parts.append(text)
    } else if e.live != nil {
      parts.append("no answer set (:answer)")
    }
    if !e.ablated.isEmpty { parts.append("ablated " + e.ablated.map(\.description).joined(separator: ",")) }
    if state.unsaved { parts.append("modified") }
    let left = " " + parts.joined(separator: " │ ")
    // A running command's progress keeps its place at the right; the rest gives way.
    let bar = state.job.map { progressText($0, queued: state.queued, now: now, width: max(10, min(20, rect.width / 6))) }
    let room = bar.map { max(0, rect.width - $0.count - 2) } ?? rect.width
    grid.put(left, column: rect.column, row: rect.row, role: .status, limit: room)
    guard let bar else { return }
    let start = rect.column + max(room + 1, rect.width - bar.count - 1)
    grid.put(bar, column: start, row: rect.row, role: .progress, limit: rect.column + rect.width - start)
  }

  /// `patch ... [#####     ] 45% ETA 3s`, or a spinner-free `running` before the total is known.
  static func progressText(_ job: AppState.Job, queued: Int, now: Date, width: Int) -> String {
    let name = job.command.split(separator: " ").prefix(2).joined(separator: " ")
    let more = queued > 0 ? " +\(queued) queued" : ""
    guard job.total > 0 else { return "\(name) running… (Esc cancels)\(more)" }
    let fraction = min(1, Double(job.done) / Double(job.total))
    let filled = Int((fraction * Double(width)).rounded(.down))
    let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
    let elapsed = now.timeIntervalSince(job.started)
    let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
    return "\(name) [\(bar)] \(Int(fraction * 100))% ETA \(duration(eta))\(more)"
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded(.up))
    return s < 60 ? "\(s)s" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
  }

  static func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
