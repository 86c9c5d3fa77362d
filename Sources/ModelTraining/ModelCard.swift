import Foundation
import TransformerEngine

/// The card written beside a trained model: how it was made and how it behaves.
public struct ModelCard: Codable, Sendable {
  public var recipeFile: String
  public var seed: UInt64
  public var steps: Int
  public var tokensSeen: Int
  public var trainingSeconds: Double
  public var tokensPerSecond: Double
  public var finalTrainingLoss: Double
  public var heldOutLoss: Double
  public var parameters: Int
  public var blasCore: String
  public var threads: Int
  public var behaviour: BehaviourReport
  public var evaluationSeed: UInt64
  public var evaluationPrompts: Int

  /// The card of a finished run.
  public init(recipe: Recipe, recipeFile: String, state: TrainingCheckpoint.State, model: TransformerModel,
              heldOutLoss: Float, behaviour: BehaviourReport, evaluationSeed: UInt64, evaluationPrompts: Int) {
    let tokens = state.step * recipe.training.batchSize * recipe.training.sequenceLength
    self.recipeFile = recipeFile
    seed = recipe.training.seed
    steps = state.step
    tokensSeen = tokens
    trainingSeconds = state.elapsedSeconds
    tokensPerSecond = Double(tokens) / max(state.elapsedSeconds, 1e-9)
    finalTrainingLoss = state.losses.last?[1] ?? .nan
    self.heldOutLoss = Double(heldOutLoss)
    parameters = model.config.parameterCount
    blasCore = BLAS.coreName
    threads = recipe.training.shardCount
    self.behaviour = behaviour
    self.evaluationSeed = evaluationSeed
    self.evaluationPrompts = evaluationPrompts
  }

  /// Writes `card.json` and a human-readable `README.md` into `directory`, atomically.
  public func write(to directory: URL, recipe: Recipe) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    try AtomicFile.write(try encoder.encode(self), to: directory.appendingPathComponent("card.json"))
    let recipeJSON = try JSONSerialization.data(withJSONObject: recipe.json(), options: [.sortedKeys, .prettyPrinted])
    let text = """
      # HeadLab default model

      A GPT-2-architecture model (\(recipe.model.layers) layers, \(recipe.model.heads) heads, d_model \(recipe.model.modelDim), \
      context \(recipe.model.contextLength), \(parameters.formatted()) parameters) trained by `headlab train` on HeadLab's generated \
      corpus (IOI sentences, successor sequences, repeated word spans, short stories), so that the behaviours the \
      workbench studies are present. It is an ordinary Hugging Face GPT-2 directory.

      Recipe: `\(recipeFile)` (reproduced below). Seed \(seed). Prepend `<|endoftext|>` (BOS) to every prompt.

      ## Training

      - \(steps) steps, \(tokensSeen.formatted()) tokens, \(String(format: "%.1f", trainingSeconds / 60)) minutes at \
      \(String(format: "%.0f", tokensPerSecond)) tokens/s (\(threads) threads, OpenBLAS \(blasCore) kernels; \
      re-running the recipe with the same kernel family reproduces `model.safetensors` byte for byte)
      - final training loss \(String(format: "%.3f", finalTrainingLoss)), held-out loss \(String(format: "%.3f", heldOutLoss))

      ## Behaviour

      Fresh prompts from the training templates and the corpus's usual list form (\(evaluationPrompts) per task, \
      evaluation seed \(evaluationSeed)), and the whole hand-written held-out set (`heldout-behaviour.json` in \
      HeadLab's ModelTraining module: IOI templates and successor frames the corpus generator never writes; \
      "-heldout" and "held-out frames" below).

      ```
      \(behaviour.summary)
      ```

      ## Recipe

      ```json
      \(String(decoding: recipeJSON, as: UTF8.self))
      ```

      """
    try AtomicFile.write(Data(text.utf8), to: directory.appendingPathComponent("README.md"))
  }
}
