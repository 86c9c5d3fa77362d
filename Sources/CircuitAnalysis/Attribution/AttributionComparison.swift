import Foundation

extension AttributionPatching {
  /// The AtP estimate beside the real patching effect, cell by cell (Nanda 2023 recommends
  /// spot-checking AtP's top hits with real patching): values [2, sweep axes…], the first row
  /// the estimated change of the metric, the second the measured change (patched − unpatched
  /// target run), in the same direction. `params.correlation` is their Pearson correlation.
  public static func besidePatching(
    _ sweep: PatchingSweep, subject: AnalysisSubject, pair: PromptPairBatch,
    metric choice: MetricChoice = .logitDifference, direction: PatchDirection = .denoising,
    progress: AnalysisProgress = .none
  ) throws -> AnalysisResult {
    let started = Date()
    let estimate = try self.sweep(sweep, subject: subject, pair: pair, metric: choice, direction: direction, progress: progress)
    let patched = try ActivationPatching.sweep(sweep, subject: subject, pair: pair, metric: choice, direction: direction, progress: progress)
    guard estimate.complete, patched.complete, let metric = patched.metric,
          let base = direction == .denoising ? metric.corrupted : metric.clean else {
      throw AnalysisError.cancelled(completed: progress.completed, total: 2)
    }
    let a = estimate.values.numbers.map { $0! }
    let b = patched.values.numbers.map { $0! - base }
    var result = estimate
    result.kind = "atp.beside_patching.\(sweep.rawValue)"
    result.axes = [ResultAxis(name: "method", labels: ["atp_estimate", "patching"])] + estimate.axes
    result.values = ResultGrid(shape: result.axes.map(\.count), numbers: a + b)
    result.params["values"] = "change of the metric: the first-order estimate, then patched minus unpatched"
    result.params["correlation"] = .number(pearson(a, b))
    result.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
    return result
  }

  static func pearson(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    let cov = zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +)
    let va = a.map { ($0 - ma) * ($0 - ma) }.reduce(0, +), vb = b.map { ($0 - mb) * ($0 - mb) }.reduce(0, +)
    return va > 0 && vb > 0 ? cov / (va * vb).squareRoot() : 0
  }
}
