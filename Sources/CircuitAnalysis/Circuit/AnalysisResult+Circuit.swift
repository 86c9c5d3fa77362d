import Foundation

/// The circuit parts of a result: its graph and the class the method gave each head.
extension AnalysisResult {
  /// The circuit graph, or an error saying the result has none.
  public func circuitGraph() throws -> CircuitGraph {
    guard let json = graph else {
      throw AnalysisError.invalidArgument("\(kind) is not a circuit (it has no graph); trace or gate a circuit first")
    }
    return try CircuitGraph(json: json)
  }

  /// `params.head_classes` ({"9.9": "name mover", ...}); heads the method did not classify, or
  /// entries that are not a head and a string, are absent.
  public var headClasses: [HeadIndex: String] {
    guard case .object(let entries)? = params["head_classes"] else { return [:] }
    var classes: [HeadIndex: String] = [:]
    for (head, kind) in entries {
      if case .string(let name) = kind, let index = try? HeadIndex(parsing: head) { classes[index] = name }
    }
    return classes
  }
}
