import ArgumentParser
import Foundation
import TransformerEngine
import WorkbenchCore

/// `--model` and `--threads`, shared by every command that runs a model.
struct ModelOptions: ParsableArguments {
  @Option(name: .long, help: "Model directory, or a model name found in the offline Hugging Face cache (e.g. gpt2). Default: the embedded model.")
  var model: String?

  @Option(name: .long, help: "Compute threads (default: all cores).")
  var threads: Int?

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
  }

  /// The model as the workbench loads it (`default` is the embedded model).
  func load() throws -> WorkbenchModel {
    if let threads { BLAS.threadCount = threads }
    return try WorkbenchModel(reference: model ?? "default")
  }

  /// The catalog line that loads the model, for the subcommands that run through the workbench.
  func lines() throws -> [ParsedLine] {
    if let threads { BLAS.threadCount = threads }
    return [try .building("model", [model ?? "default"])]
  }
}

extension WorkbenchModel {
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
