import Foundation

extension CircuitDOT {
  /// The DOT of a circuit result (one with a `graph`): its caption gives the kind, the metric
  /// with its baselines and the result's value (a circuit's faithfulness), and head classes come
  /// from `params.head_classes` ({"9.9": "name mover", ...}) when the method assigned any.
  public init(result: AnalysisResult) throws {
    var caption = [result.kind]
    if let metric = result.metric {
      var line = "metric: \(metric.name)"
      if let answer = metric.answer, let wrong = metric.wrong { line += " (\(answer.trimmingCharacters(in: .whitespaces)) vs \(wrong.trimmingCharacters(in: .whitespaces)))" }
      if let clean = metric.clean { line += ", clean \(Self.number(clean))" }
      if let corrupted = metric.corrupted { line += ", corrupted \(Self.number(corrupted))" }
      caption.append(line)
    }
    if result.axes.isEmpty, let value = result.values.numbers.first ?? nil { caption.append("faithfulness \(Self.number(value))") }
    self.init(graph: try result.circuitGraph(), classes: result.headClasses, caption: caption)
  }
}
