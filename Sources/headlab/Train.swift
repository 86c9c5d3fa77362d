import ArgumentParser
import Foundation
import ModelTraining
import Tokenizers
import TransformerEngine

/// `headlab train --config RECIPE --out DIR`: generates the recipe's corpus, learns its
/// tokenizer, trains, and writes a Hugging Face model directory with a card. Interrupt with
/// Ctrl-C (the run checkpoints and stops); run the same command again to resume.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a model from a recipe (resumes from DIR's checkpoint if there is one).")

  @Option(name: .long, help: "Recipe file (JSON).")
  var config: String

  @Option(name: .long, help: "Output model directory.")
  var out: String

  @Option(name: .long, help: "Prompts per task in the final behaviour evaluation.")
  var evalPrompts: Int = 500

  @Option(name: .long, help: "Seed of the evaluation prompts (differs from the corpus seed).")
  var evalSeed: UInt64 = 20_261_123

  func validate() throws {
    if evalPrompts < 1 { throw ValidationError("--eval-prompts must be at least 1, got \(evalPrompts)") }
  }

  func run() throws {
    try reportingErrors {
      let recipeURL = URL(fileURLWithPath: config)
      let recipe = try Recipe.load(recipeURL)
      let outURL = URL(fileURLWithPath: out)
      try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
      let log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

      let recipeFile = outURL.appendingPathComponent("recipe.json")
      try checkRecipeMatchesEarlierRun(recipe, file: recipeFile)
      let corpus = try TrainingCorpus.prepare(recipe, log: log)
      let heldOutSet = try HeldOutBehaviourSet.load()
      let needed = BehaviourEvaluation.longestPrompt(tokenizer: corpus.tokenizer, count: max(evalPrompts, 100), seed: evalSeed, heldOut: heldOutSet)
      if needed > recipe.model.contextLength {
        throw ValidationError("\(config): model.contextLength is \(recipe.model.contextLength), but the behaviour evaluation needs \(needed) positions; raise it to at least \(needed)")
      }
      try checkTokenizerMatchesEarlierRun(corpus.tokenizer, in: outURL)
      try corpus.tokenizer.write(to: outURL)
      try AtomicFile.write(JSONSerialization.data(withJSONObject: recipe.json(), options: [.sortedKeys, .prettyPrinted]),
                           to: recipeFile)

      let model = try TransformerModel(config: recipe.modelConfig(vocabularySize: corpus.tokenizer.vocabularySize))
      let trainer = try Trainer(model: model, settings: recipe.training, data: corpus.training,
                                checkpoint: TrainingCheckpoint(directory: outURL))
      if trainer.state.step > 0 { log("resuming at step \(trainer.state.step) from \(outURL.path)/checkpoint") }
      log("model: \(model.config.parameterCount.formatted()) parameters; BLAS \(BLAS.coreName)")

      let interrupt = InterruptFlag()
      let progress = ProgressPrinter()
      try trainer.run(shouldStop: { interrupt.raised }, evaluate: { step in
        let heldOut = try trainer.loss(on: corpus.heldOut)
        let quick = try BehaviourEvaluation.evaluate(model: model, tokenizer: corpus.tokenizer, count: 100, seed: evalSeed, heldOut: heldOutSet)
        progress.finishLine()
        log(String(format: "eval at step %d: held-out loss %.4f", step, heldOut))
        log(quick.summary)
      }, report: progress.show)
      progress.finishLine()
      if interrupt.raised {
        log("interrupted at step \(trainer.state.step): checkpoint saved in \(outURL.path)/checkpoint; run the same command to resume")
        throw ExitCode(130)
      }

      log("evaluating (\(evalPrompts) prompts per task)...")
      let behaviour = try BehaviourEvaluation.evaluate(model: model, tokenizer: corpus.tokenizer, count: evalPrompts, seed: evalSeed, heldOut: heldOutSet)
      let heldOut = try trainer.loss(on: corpus.heldOut)
      try CheckpointWriter.save(model, to: outURL, endOfTextID: corpus.tokenizer.endOfTextID)
      let card = ModelCard(recipe: recipe, recipeFile: recipeURL.lastPathComponent, state: trainer.state, model: model,
                           heldOutLoss: heldOut, behaviour: behaviour, evaluationSeed: evalSeed, evaluationPrompts: evalPrompts)
      try card.write(to: outURL, recipe: recipe)
      print(behaviour.summary)
      print("model written to \(outURL.path)")
    }
  }

  /// A resumed run must use the recipe it started with (the checkpoint's data order, corpus and
  /// tokenizer all follow from it).
  func checkRecipeMatchesEarlierRun(_ recipe: Recipe, file: URL) throws {
    guard FileManager.default.fileExists(atPath: file.path) else { return }
    let earlier = try Recipe.load(file)
    guard earlier == recipe else {
      throw ValidationError("\(file.deletingLastPathComponent().path) holds a run of a different recipe (\(file.path)); use a new --out directory, or the same recipe to resume")
    }
  }

  /// A resumed run must regenerate the very tokenizer it started with.
  func checkTokenizerMatchesEarlierRun(_ tokenizer: BPETokenizer, in directory: URL) throws {
    let vocabulary = directory.appendingPathComponent("vocab.json")
    guard FileManager.default.fileExists(atPath: vocabulary.path) else { return }
    let earlier = try BPETokenizer.load(directory: directory)
    let probe = "When Mary and John went to the store, John gave a drink to Mary. Monday Tuesday 17 18"
    guard earlier.vocabularySize == tokenizer.vocabularySize, earlier.encode(probe) == tokenizer.encode(probe) else {
      throw ValidationError("\(directory.path) holds a tokenizer from a different recipe; use a new --out directory")
    }
  }
}

/// Set by SIGINT; the training loop checks it between steps.
final class InterruptFlag: @unchecked Sendable {
  private static var flag: sig_atomic_t = 0
  init() {
    signal(SIGINT) { _ in InterruptFlag.flag = 1 }
  }
  var raised: Bool { InterruptFlag.flag != 0 }
}

/// The training progress line: rewritten in place on a terminal, one line per 50 steps otherwise.
final class ProgressPrinter {
  private let isTerminal = isatty(STDERR_FILENO) != 0
  private var open = false

  func show(_ progress: Trainer.Progress) {
    if isTerminal {
      FileHandle.standardError.write(Data(("\r" + progress.line + "  ").utf8))
      open = true
    } else if progress.step % 50 == 0 || progress.step == progress.totalSteps {
      FileHandle.standardError.write(Data((progress.line + "\n").utf8))
    }
  }

  func finishLine() {
    if open { FileHandle.standardError.write(Data("\n".utf8)) }
    open = false
  }
}
