import ArgumentParser
import WorkbenchCore

/// `--dot FILE` and `--svg FILE` of the commands that return a circuit (`trace`, `ioi`): each
/// becomes an `export` line after the analysis.
struct CircuitExportOptions: ParsableArguments {
  @Option(name: .long, help: "Also write the circuit as Graphviz DOT to this file.")
  var dot: String?

  @Option(name: .long, help: "Also render the circuit as SVG to this file (needs Graphviz's dot).")
  var svg: String?

  func validate() throws {
    if let dot, !dot.lowercased().hasSuffix(".dot") { throw ValidationError("--dot writes a .dot file, not '\(dot)'") }
    if let svg, !svg.lowercased().hasSuffix(".svg") { throw ValidationError("--svg writes an .svg file, not '\(svg)'") }
  }

  /// The `export FILE` lines, DOT first.
  func lines() throws -> [ParsedLine] {
    try [dot, svg].compactMap { $0 }.map { try ParsedLine.building("export", [$0], orderedOptions: []) }
  }
}
