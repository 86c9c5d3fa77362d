import CircuitAnalysis
import WorkbenchCore

/// Tab completion for the `:` command line, from the command catalog: command names first, then
/// the command's `key=` options and, where the catalog knows them, its positional choices.
public enum CommandCompletion {
  /// The candidates for the word being typed at the end of `line`.
  public static func candidates(for line: String, gridKinds: [String] = []) -> [String] {
    let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    let current = words.last ?? ""
    if words.count <= 1 {
      return CommandCatalog.all.map(\.name).filter { $0.hasPrefix(current) }
    }
    guard let spec = CommandCatalog.spec(named: words[0]) else { return [] }
    var options = spec.options.map { "\($0)=" }
    if let equals = current.firstIndex(of: "=") {
      let key = String(current[..<equals])
      return values(forOption: key, command: spec.name, gridKinds: gridKinds).map { "\(key)=\($0)" }.filter { $0.hasPrefix(current) }
    }
    options += positionalChoices(spec.name)
    return options.filter { $0.hasPrefix(current) }
  }

  /// Completes the last word when it has exactly one candidate, or to the candidates' common
  /// prefix; returns the new line.
  public static func complete(_ line: String, gridKinds: [String] = []) -> String {
    let found = candidates(for: line, gridKinds: gridKinds)
    guard let first = found.first else { return line }
    var prefix = first
    for c in found.dropFirst() { while !c.hasPrefix(prefix) { prefix.removeLast() } }
    var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    guard prefix.count >= (words.last?.count ?? 0) else { return line }
    words[words.count - 1] = prefix
    let unique = found.count == 1 && !prefix.hasSuffix("=")
    return words.joined(separator: " ") + (unique ? " " : "")
  }

  static func positionalChoices(_ command: String) -> [String] {
    switch command {
    case "patch", "atp": return PatchingSweep.allCases.map(\.rawValue)
    case "detect": return HeadDetector.allCases.map(\.rawValue)
    case "metric": return Metric.Kind.allCases.map(\.rawValue)
    case "help": return CommandCatalog.all.map(\.name)
    case "relevance", "chg", "trace": return PromptDataset.builtInNames
    case "theme": return ["dark", "light", "mono"]
    case "ablate": return ["each"]
    default: return []
    }
  }

  static func values(forOption key: String, command: String, gridKinds: [String]) -> [String] {
    switch key {
    case "noising", "normalise", "beside", "values", "diff": return ["yes", "no"]
    case "mode": return ["zero", "mean", "resample"]
    case "method": return RelevanceMethod.allCases.map(\.rawValue)
    case "reference", "dataset", "negative": return PromptDataset.builtInNames
    case "focus": return ViewState.panels
    case "grid": return ["next", "previous"] + gridKinds
    case "measure": return PatternScoring.ErrorMeasure.allCases.map(\.rawValue)
    default: return []
    }
  }
}
