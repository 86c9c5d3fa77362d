import Foundation
import TransformerEngine

/// A training recipe: everything `headlab train` needs to build a model from nothing, so that
/// re-running a committed recipe reproduces its model.
///
/// A JSON file with four sections; every key is optional except where noted and takes the
/// default shown by `Recipe()`; an unknown key is an error naming it:
/// ```json
/// { "format": 1,
///   "model":     { "layers": 4, "heads": 4, "modelDim": 128, "contextLength": 128, "mlpDim": 512 },
///   "tokenizer": { "vocabularySize": 3072, "trainingDocuments": 60000, "directory": null },
///   "corpus":    { "documents": 500000, "seed": 1, "ioi": 0.38, "successor": 0.27,
///                  "repeatedSpan": 0.12, "story": 0.23 },
///   "training":  { "steps": 7800, "batchSize": 32, "sequenceLength": 64, ... } }
/// ```
/// `training` takes the fields of `TrainingSettings` (with `adamW` as a nested object).
public struct Recipe: Equatable, Sendable {
  public static let formatVersion = 1

  public struct Model: Equatable, Sendable {
    public var layers = 4
    public var heads = 4
    public var modelDim = 128
    public var contextLength = 128
    public var mlpDim: Int? = nil
  }

  public struct TokenizerSection: Equatable, Sendable {
    public var vocabularySize = 3072
    /// Documents (from the start of the corpus) the BPE merges are learned on.
    public var trainingDocuments = 60_000
    /// A directory with an existing tokenizer (vocab.json + merges.txt or tokenizer.json) to use
    /// instead of learning one; relative paths are relative to the recipe file.
    public var directory: String? = nil
  }

  public struct CorpusSection: Equatable, Sendable {
    public var documents = 500_000
    public var seed: UInt64 = 1
    public var ioi = 0.38
    public var successor = 0.27
    public var repeatedSpan = 0.12
    public var story = 0.23
  }

  public var model = Model()
  public var tokenizer = TokenizerSection()
  public var corpus = CorpusSection()
  public var training = TrainingSettings()

  public init() {}

  /// The model configuration once the tokenizer's size is known.
  public func modelConfig(vocabularySize: Int) -> ModelConfig {
    ModelConfig(layers: model.layers, heads: model.heads, modelDim: model.modelDim, mlpDim: model.mlpDim,
                contextLength: model.contextLength, vocabularySize: vocabularySize)
  }

  /// Checks sizes against each other; errors name the field.
  public func validate() throws {
    func fail(_ message: String) -> RecipeError { .invalid(message) }
    for (name, value) in [("model.layers", model.layers), ("model.heads", model.heads), ("model.modelDim", model.modelDim),
                          ("model.contextLength", model.contextLength), ("tokenizer.vocabularySize", tokenizer.vocabularySize),
                          ("tokenizer.trainingDocuments", tokenizer.trainingDocuments), ("corpus.documents", corpus.documents)]
    where value <= 0 {
      throw fail("\(name) must be positive, got \(value)")
    }
    if let mlp = model.mlpDim, mlp <= 0 { throw fail("model.mlpDim must be positive, got \(mlp)") }
    // Bounds that keep a typo from asking for terabytes before anything fails.
    for (name, value, limit) in [("model.layers", model.layers, 256), ("model.modelDim", model.modelDim, 16_384),
                                 ("model.contextLength", model.contextLength, 65_536), ("model.mlpDim", model.mlpDim ?? 0, 65_536),
                                 ("tokenizer.vocabularySize", tokenizer.vocabularySize, 1_000_000),
                                 ("corpus.documents", corpus.documents, 100_000_000)] where value > limit {
      throw fail("\(name) is \(value), more than the \(limit) a recipe may ask for")
    }
    let parameters = modelConfig(vocabularySize: tokenizer.vocabularySize).parameterCount
    if parameters > 2_000_000_000 { throw fail("the model would have \(parameters) parameters, more than the 2,000,000,000 a recipe may ask for") }
    if model.modelDim % model.heads != 0 {
      throw fail("model.heads (\(model.heads)) must divide model.modelDim (\(model.modelDim))")
    }
    if tokenizer.vocabularySize < 257 { throw fail("tokenizer.vocabularySize must be at least 257 (256 bytes + <|endoftext|>)") }
    let weights = [corpus.ioi, corpus.successor, corpus.repeatedSpan, corpus.story]
    if weights.contains(where: { $0 < 0 }) || weights.reduce(0, +) <= 0 {
      throw fail("corpus mix weights must be non-negative and not all zero")
    }
    do { try training.validate(contextLength: model.contextLength) } catch EngineError.invalidConfig(let message) {
      throw fail(message)
    }
  }
}

/// Why a recipe was refused.
public enum RecipeError: Error, Equatable, LocalizedError, CustomStringConvertible {
  case unreadable(file: String, reason: String)
  case unknownKey(file: String, key: String, allowed: [String])
  case wrongType(file: String, key: String, expected: String)
  case newerFormat(file: String, version: Int)
  case invalid(String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): return "\(file): \(reason)"
    case .unknownKey(let file, let key, let allowed):
      return "\(file): unknown key '\(key)' (allowed here: \(allowed.sorted().joined(separator: ", ")))"
    case .wrongType(let file, let key, let expected): return "\(file): '\(key)' must be \(expected)"
    case .newerFormat(let file, let version):
      return "\(file): recipe format \(version) is newer than this headlab understands (\(Recipe.formatVersion))"
    case .invalid(let message): return "invalid recipe: \(message)"
    }
  }
  public var errorDescription: String? { description }
}
