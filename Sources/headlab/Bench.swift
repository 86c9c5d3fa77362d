import ArgumentParser
import Foundation
import ModelTraining
import TransformerEngine

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Benchmarks.", subcommands: [BenchForward.self, BenchTrain.self, BenchPatch.self, BenchTrace.self, BenchTUI.self, BenchWeights.self])
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

  func validate() throws {
    if tokens < 1 { throw ValidationError("--tokens must be at least 1, got \(tokens)") }
    if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
  }

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
      print("model \(loaded.directory.url.path): \(c.parameterCount.formatted()) parameters, threads \(BLAS.threadCount), OpenBLAS \(BLAS.coreName) kernels, logits \(allLogits ? "all positions" : "last position")")
      var generator = SplitMix64(seed: 0)  // the id scheme of scripts/bench_forward_hf.py
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

/// Times training steps (forward, backward, clipping, AdamW) and, where Python with torch and
/// transformers is installed, the same step in PyTorch (scripts/bench_train_torch.py).
struct BenchTrain: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "train", abstract: "Time a training step, beside PyTorch where installed.")

  @Option(name: .long, help: "Recipe whose model and batch to use (default: the built-in default recipe values).")
  var config: String?

  @Option(name: .long, help: "Vocabulary size (the recipe's tokenizer size).")
  var vocab: Int?

  @Option(name: .long, help: "Timed steps (after 3 warm-up steps).")
  var repeats: Int = 10

  @Option(name: .long, help: "Compute threads (default: all cores).")
  var threads: Int?

  @Flag(name: .customLong("no-torch"), help: "Skip the PyTorch comparison.")
  var noTorch = false

  func validate() throws {
    if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
    if let vocab, vocab < 2 { throw ValidationError("--vocab must be at least 2, got \(vocab)") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
  }

  func run() throws {
    try reportingErrors {
      let recipe = try config.map { try Recipe.load(URL(fileURLWithPath: $0)) } ?? Recipe()
      let V = vocab ?? recipe.tokenizer.vocabularySize
      let model = try TransformerModel(config: recipe.modelConfig(vocabularySize: V))
      Initialization.initialize(model, std: recipe.training.initStd, seed: 1)
      let threadCount = threads ?? recipe.training.shardCount
      let step = DataParallelStep(model: model, threads: threadCount)
      let optimizer = AdamW(layout: model.parameters.layout, settings: recipe.training.adamW)
      let (B, T) = (recipe.training.batchSize, recipe.training.sequenceLength)
      var generator = SplitMix64(seed: 0)
      let rows = (0..<B).map { _ in (0...T).map { _ in Int(generator.next() % UInt64(V)) } }
      let inputs = rows.map { Array($0.dropLast()) }, targets = rows.map { Array($0.dropFirst()) }
      var times: [Double] = []
      for i in 0..<(3 + repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try step.run(inputs: inputs, targets: targets)
        GradientClipping.clip(step.gradients, maxNorm: 1)
        optimizer.update(model.parameters, gradients: step.gradients, learningRate: 1e-3)
        if i >= 3 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
      }
      times.sort()
      let median = times[times.count / 2]
      let c = model.config
      print("model: \(c.layers) layers, \(c.heads) heads, d_model \(c.modelDim), vocab \(V); batch \(B) x \(T) tokens")
      print(String(format: "headlab  step median %7.1f ms  min %7.1f  max %7.1f  %8.0f tokens/s  (%d threads, OpenBLAS %@)",
                   median, times.first!, times.last!, Double(B * T) / (median / 1e3), threadCount, BLAS.coreName))
      if !noTorch { printTorchStep(c, B: B, T: T, threads: threadCount) }
    }
  }

  func printTorchStep(_ c: ModelConfig, B: Int, T: Int, threads: Int) {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/bench_train_torch.py").standardized
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, "--layers", "\(c.layers)", "--heads", "\(c.heads)", "--dim", "\(c.modelDim)",
                         "--positions", "\(c.contextLength)", "--vocab", "\(c.vocabularySize)", "--batch", "\(B)", "--tokens", "\(T)",
                         "--repeats", "\(repeats)", "--threads", "\(threads)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { print("pytorch  (python3 not found)"); return }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let json = (try? JSONSerialization.jsonObject(with: output)) as? [String: Any],
          let median = json["median_ms"] as? Double, let rate = json["tokens_per_second"] as? Double else {
      print("pytorch  (not measured: torch/transformers not installed, or \(script.path) failed)")
      return
    }
    print(String(format: "pytorch  step median %7.1f ms  min %7.1f  max %7.1f  %8.0f tokens/s  (torch %@, %d threads)",
                 median, json["min_ms"] as? Double ?? 0, json["max_ms"] as? Double ?? 0, rate,
                 json["torch"] as? String ?? "?", json["threads"] as? Int ?? 0))
  }
}
