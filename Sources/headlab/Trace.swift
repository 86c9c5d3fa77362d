import ArgumentParser
import CircuitAnalysis
import Foundation
import WorkbenchCore

/// `headlab trace`: a circuit traced on a dataset by edge attribution patching, with its
/// faithfulness (the catalog's `trace`).
struct Trace: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Trace a circuit on a dataset by edge attribution patching (EAP or EAP-IG), path patching or ACDC and report its faithfulness.",
    discussion: "Every residual-stream edge sender -> receiver (embedding, heads, MLPs -> heads or their q/k/v inputs, MLPs, logits) gets score = sum over positions of (out_s(corrupted) - out_s(clean)) . dM/d(input of r), the gradient on the clean run (EAP-IG: averaged over --steps interpolations of the input embeddings from corrupted to clean), mean over prompts. Path patching (--method path) scores each head -> later head and head -> logits edge by M(patched) - M(clean) with the sender corrupted, every other head frozen (Wang et al. 2023), and keeps every embedding and MLP edge. The edges with the largest |score| are kept; faithfulness = (M(circuit) - M(empty)) / (M(full) - M(empty)), every edge outside the circuit carrying the sender's mean output over the corrupted prompts (per template and position). ACDC (--method acdc --tau T) prunes edges output first while the distance from the full model (KL with --metric kl, else the negated metric) grows by less than tau.")

  @OptionGroup var modelOptions: ModelOptions

  @OptionGroup var datasetOptions: DatasetOptions

  @Option(name: .long, help: "Tracing method: \((CircuitTrace.Method.allCases.map(\.rawValue) + ["acdc"]).joined(separator: ", ")).")
  var method: String = "eap"

  @Option(name: .long, help: "ACDC's threshold (with --method acdc).")
  var tau: Double?

  @Flag(name: .long, help: "ACDC: compare |change of the metric| with tau.")
  var absolute = false

  @OptionGroup var circuitExport: CircuitExportOptions

  @Option(name: .long, help: "Keep at most this many edges, largest |score| first (default: the top 10% when no --threshold).")
  var keep: Int?

  @Option(name: .long, help: "Keep only edges with |score| >= this value.")
  var threshold: Double?

  @Option(name: .long, help: "Keep the fewest top edges whose faithfulness reaches this value in (0, 1] (binary search; instead of --keep/--threshold).")
  var target: Double?

  @Flag(name: .long, help: "Split each head into its q, k and v inputs (ACDC's graph).")
  var split = false

  @Option(name: .long, help: "EAP-IG interpolation steps.")
  var steps: Int = 5

  @OptionGroup var metricOptions: MetricOptions

  @OptionGroup var output: ResultOutput

  func validate() throws {
    if let threshold, threshold < 0 { throw ValidationError("--threshold is compared with |score|: give a value >= 0, got \(threshold)") }
    if let keep, keep < 0 { throw ValidationError("--keep must be a number of edges >= 0, got \(keep)") }
    if let target, !(target > 0 && target <= 1) { throw ValidationError("--target must be in (0, 1], got \(target)") }
    if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
    if let tau, tau < 0 { throw ValidationError("--tau must be >= 0, got \(tau)") }
    if method == "acdc", tau == nil { throw ValidationError("--method acdc needs its threshold --tau T (e.g. --tau 0.05)") }
    if method != "acdc", tau != nil || absolute { throw ValidationError("--tau and --absolute belong to --method acdc") }
  }

  func run() throws {
    try reportingErrors {
      let acdc = method == "acdc"
      let trace = try ParsedLine.building("trace", [datasetOptions.dataset], orderedOptions: [("method", method)] + datasetOptions.options(defaultCount: 32) + [
        ("keep", keep.map(String.init)), ("threshold", threshold.map { String($0) }), ("target", target.map { String($0) }), ("split", yes(split)),
        ("steps", acdc ? nil : String(steps)), ("tau", tau.map { String($0) }), ("absolute", yes(absolute)),
      ])
      try FrontEnd.run(try modelOptions.lines() + metricOptions.lines() + [trace] + circuitExport.lines(), output: output)
    }
  }
}
