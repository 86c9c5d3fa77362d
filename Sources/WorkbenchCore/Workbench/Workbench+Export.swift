import CircuitAnalysis
import Foundation

extension Workbench {
  /// `export FILE`: the last results as headlab.result/1 JSON, CSV or a text table, by extension;
  /// written atomically.
  func export(_ a: CommandArguments) throws -> CommandOutput {
    let path = a.positional(0)!
    guard !lastResults.isEmpty else { throw a.line.error("nothing to export yet: run an analysis first").withUsage(a.spec.usage) }
    let url = URL(fileURLWithPath: path.text)
    let data: Data
    switch url.pathExtension.lowercased() {
    case "json": data = lastResults.count == 1 ? try lastResults[0].jsonData() : try AnalysisResult.jsonData(lastResults)
    case "csv": data = Data(ResultCSV.render(lastResults).utf8)
    case "txt": data = Data((lastResults.map(ResultText.render).joined(separator: "\n\n") + "\n").utf8)
    case "dot", "svg", "png":
      guard let circuit = lastResults.first(where: { $0.graph != nil }) else {
        throw a.line.error("the last results hold no circuit: run trace, ioi or chg first, or export .json").withUsage(a.spec.usage)
      }
      let text = try CircuitDOT(result: circuit).text
      if url.pathExtension.lowercased() == "dot" {
        data = Data(text.utf8)
      } else {
        do { data = try GraphvizRenderer.render(text, format: url.pathExtension.lowercased()).output } catch let failure as GraphvizRenderer.Failure {
          throw path.error(failure.description)
        }
      }
    default: throw path.error("export writes .json, .csv, .txt, or a circuit as .dot, .svg or .png, not '.\(url.pathExtension)'").withUsage(a.spec.usage)
    }
    try data.write(to: url, options: .atomic)
    return .message("wrote \(lastResults.count) result\(lastResults.count == 1 ? "" : "s") to \(path.text)")
  }
}

/// Results as CSV: one row per cell, with the result's kind, each axis's label and the value
/// (empty for a cell not computed).
public enum ResultCSV {
  public static func render(_ results: [AnalysisResult]) -> String {
    var lines: [String] = []
    for result in results {
      lines.append((["kind"] + result.axes.map(\.name) + ["value"]).map(field).joined(separator: ","))
      let shape = result.shape
      for (flat, cell) in result.values.cells.enumerated() {
        var index: [Int] = []
        var rest = flat
        for n in shape.reversed() { index.insert(rest % n, at: 0); rest /= n }
        let labels = zip(result.axes, index).map { $0.labels[$1] }
        let value: String
        switch cell {
        case .number(let v): value = String(v)
        case .token(let t): value = t
        case .missing: value = ""
        }
        lines.append(([result.kind] + labels + [value]).map(field).joined(separator: ","))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// RFC 4180 quoting: a field with a comma, quote, newline or edge space is quoted.
  static func field(_ text: String) -> String {
    let needs = text.contains(",") || text.contains("\"") || text.contains("\n") || text.hasPrefix(" ") || text.hasSuffix(" ")
    return needs ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
  }
}
