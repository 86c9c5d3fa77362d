import Foundation

extension CircuitDOT {
  /// The DOT of a circuit result (one with a `graph`): its caption gives the kind, the metric
  /// with its baselines and the result's value (a circuit's faithfulness), and head classes come
  /// from `params.head_classes` ({"9.9": "name mover", ...}) when the method assigned any.
  public init(result: AnalysisResult) throws {
    guard let json = result.graph else {
      throw AnalysisError.invalidArgument("\(result.kind) is not a circuit (it has no graph); trace or gate a circuit first")
    }
    var classes: [HeadIndex: String] = [:]
    if case .object(let entries)? = result.params["head_classes"] {
      for (head, kind) in entries {
        guard case .string(let name) = kind else { continue }
        classes[try HeadIndex(parsing: head)] = name
      }
    }
    var caption = [result.kind]
    if let metric = result.metric {
      var line = "metric: \(metric.name)"
      if let answer = metric.answer, let wrong = metric.wrong { line += " (\(answer.trimmingCharacters(in: .whitespaces)) vs \(wrong.trimmingCharacters(in: .whitespaces)))" }
      if let clean = metric.clean { line += ", clean \(Self.number(clean))" }
      if let corrupted = metric.corrupted { line += ", corrupted \(Self.number(corrupted))" }
      caption.append(line)
    }
    if result.axes.isEmpty, let value = result.values.numbers.first ?? nil { caption.append("faithfulness \(Self.number(value))") }
    self.init(graph: try CircuitGraph(json: json), classes: classes, caption: caption)
  }
}
