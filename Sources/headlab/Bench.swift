import ArgumentParser
import Foundation
import TransformerEngine

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Benchmarks.", subcommands: [BenchForward.self])
}

/// Times the forward pass on random token ids; prints median/min/max, tokens/s, GFLOP/s, peak RSS.
struct BenchForward: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "forward", abstract: "Time the forward pass.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: "Tokens per prompt.")
  var tokens: Int = 20

  @Option(name: .long, help: "Comma-separated batch sizes.")
  var batch: String = "1,16"

  @Option(name: .long, help: "Timed repeats per batch size (after 2 warm-up runs).")
  var repeats: Int = 20

  @Flag(name: .customLong("all-logits"), help: "Compute logits at every position (default: last only).")
  var allLogits = false

  func run() throws {
    try reportingErrors {
      let batches = try batch.split(separator: ",").map { part -> Int in
        guard let b = Int(part.trimmingCharacters(in: .whitespaces)), b > 0 else {
          throw ValidationError("--batch must be positive integers separated by commas, got '\(batch)'")
        }
        return b
      }
      let loaded = try modelOptions.load()
      let model = loaded.model
      let c = model.config
      print("model \(loaded.directory.url.path): \(c.parameterCount.formatted()) parameters, threads \(BLAS.threadCount), logits \(allLogits ? "all positions" : "last position")")
      var generator = SplitMix64(seed: 1234)
      for B in batches {
        let rows = (0..<B).map { _ in (0..<tokens).map { _ in Int(generator.next() % UInt64(c.vocabularySize)) } }
        let selection: LogitPositions = allLogits ? .all : .last
        for _ in 0..<2 { _ = try model.forward(rows, logits: selection) }
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
          let start = DispatchTime.now().uptimeNanoseconds
          _ = try model.forward(rows, logits: selection)
          times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let median = times[times.count / 2]
        let flops = ForwardFlops.count(c, B: B, T: tokens, logitPositions: allLogits ? tokens : 1)
        print(String(format: "batch %3d x %d tokens: median %8.2f ms  min %8.2f  max %8.2f  %9.0f tokens/s  %6.1f GFLOP/s  peak RSS %.0f MiB",
                     B, tokens, median, times.first!, times.last!, Double(B * tokens) / (median / 1e3),
                     flops / (median / 1e3) / 1e9, PeakMemory.residentMiB()))
      }
    }
  }
}

/// Multiply-adds ×2 of one forward pass: projections, attention products, and the unembedding at
/// the computed logit positions (elementwise work is not counted).
enum ForwardFlops {
  static func count(_ c: ModelConfig, B: Int, T: Int, logitPositions: Int) -> Double {
    let N = Double(B * T), C = Double(c.modelDim), M = Double(c.mlpDim), Tt = Double(T)
    let perLayer = N * 2 * (C * 3 * C + C * C + 2 * C * M) + Double(B) * 2 * 2 * Tt * Tt * C
    return Double(c.layers) * perLayer + Double(B * logitPositions) * 2 * C * Double(c.vocabularySize)
  }
}

enum PeakMemory {
  /// Peak resident set size of this process in MiB (getrusage's ru_maxrss, KiB on Linux).
  static func residentMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
  }
}
