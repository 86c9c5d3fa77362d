import Foundation

/// Times the weight analyses and their peak memory, for `headlab bench weights` and the opt-in
/// benchmark test (issue 16's bar on a GPT-2-small-size model: each under 10 s and 2 GB).
/// Timing is never asserted; this only measures.
public enum WeightBenchmark {
  public struct Measurement: Sendable, CustomStringConvertible {
    public let name: String
    public let seconds: Double
    /// The process's peak resident set during the step (the model's weights included), MiB;
    /// from /proc/self/status's VmHWM after resetting it, or getrusage's lifetime peak where
    /// the reset is unavailable (`peakIsLifetime`).
    public let peakResidentMiB: Double
    public let peakIsLifetime: Bool

    public var description: String {
      String(format: "%@: %.2f s, peak RSS %.0f MiB%@", name, seconds, peakResidentMiB, peakIsLifetime ? " (process lifetime peak)" : "")
    }
  }

  /// The composition grid (all three modes, no baseline), the 1,000-pair random baseline alone,
  /// the weight processing alone, and the whole `CompositionReport` (grid, baseline and results)
  /// with raw and with processed weights.
  public static func composition(subject: AnalysisSubject, baselineSamples: Int = 1000) throws -> [Measurement] {
    var grid = CompositionSettings()
    grid.baselineSamples = 0
    var full = CompositionSettings()
    full.baselineSamples = baselineSamples
    full.seed = UInt64(Date().timeIntervalSince1970)  // not a baseline an earlier run cached
    var processed = full
    processed.processed = true
    processed.seed = full.seed + 1
    return [
      try measure("composition grid q,k,v (raw)") { _ = try CompositionReport.run(subject: subject, settings: grid) },
      try measure("random baseline (\(baselineSamples) pairs)") {
        _ = try CompositionBaseline.compute(modelDim: subject.config.modelDim, headDim: subject.config.headDim, samples: baselineSamples)
      },
      try measure("weight processing (fold_ln, centring)") { _ = try WeightProcessing.process(subject.model) },
      try measure("composition report q,k,v + baseline (raw)") { _ = try CompositionReport.run(subject: subject, settings: full) },
      try measure("composition report q,k,v + baseline (processed)") { _ = try CompositionReport.run(subject: subject, settings: processed) },
    ]
  }

  /// Runs `body` once, timing it and reading the peak resident set it reached.
  public static func measure(_ name: String, _ body: () throws -> Void) throws -> Measurement {
    let reset = PeakResidentMemory.reset()
    let start = DispatchTime.now()
    try body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    return Measurement(name: name, seconds: seconds, peakResidentMiB: PeakResidentMemory.mebibytes(), peakIsLifetime: !reset)
  }
}

/// The process's peak resident set size (Linux: VmHWM, which writing 5 to /proc/self/clear_refs
/// resets to the current size).
enum PeakResidentMemory {
  /// Resets the peak to the current size; false where that is not possible.
  static func reset() -> Bool {
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? handle.close() }
    return (try? handle.write(contentsOf: Data("5".utf8))) != nil
  }

  static func mebibytes() -> Double {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    {
      return kib / 1024
    }
    var usage = rusage()
    #if os(Linux)
      getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
      return Double(usage.ru_maxrss) / 1024  // KiB
    #else
      getrusage(RUSAGE_SELF, &usage)
      return Double(usage.ru_maxrss) / 1024 / 1024  // bytes
    #endif
  }
}
