import ArgumentParser
import Foundation
import Tokenizers
import TransformerEngine

/// `--model` and `--threads`, shared by every command that runs a model.
struct ModelOptions: ParsableArguments {
  @Option(name: .long, help: "Model directory, or a model name found in the offline Hugging Face cache (e.g. gpt2). Default: the embedded model.")
  var model: String?

  @Option(name: .long, help: "Compute threads (default: all cores).")
  var threads: Int?

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
  }

  func load() throws -> LoadedModel {
    if let threads { BLAS.threadCount = threads }
    let directory = try model.map { try ModelDirectory.resolve($0) } ?? EmbeddedModel.directory()
    let (engine, report) = try ModelLoader.load(directory)
    let tokenizer = try BPETokenizer.load(directory: directory.url)
    return LoadedModel(directory: directory, model: engine, report: report, tokenizer: tokenizer)
  }
}

/// A model with its tokenizer and load report.
struct LoadedModel {
  let directory: ModelDirectory
  let model: TransformerModel
  let report: ModelLoader.Report
  let tokenizer: BPETokenizer

  /// Token ids of `text`, with `<|endoftext|>` prepended as BOS unless disabled (TransformerLens's default).
  func tokens(_ text: String, prependBOS: Bool) throws -> [Int] {
    if prependBOS && tokenizer.endOfTextID == nil {
      throw ValidationError("this tokenizer has no <|endoftext|> token to use as BOS; pass --no-bos")
    }
    let ids = tokenizer.encode(text, prependBOS: prependBOS)
    if ids.isEmpty { throw EngineError.emptyPrompt }
    return ids
  }
}
