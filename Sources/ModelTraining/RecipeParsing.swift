import Foundation
import TransformerEngine

extension Recipe {
  /// Reads a recipe file strictly: unknown keys, wrong types and impossible sizes are errors that
  /// name the file and the key.
  public static func load(_ url: URL) throws -> Recipe {
    let file = url.path
    guard let data = FileManager.default.contents(atPath: file) else {
      throw RecipeError.unreadable(file: file, reason: "no such file or no permission")
    }
    guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw RecipeError.unreadable(file: file, reason: "not a JSON object")
    }
    return try parse(json, file: file)
  }

  public static func parse(_ json: [String: Any], file: String) throws -> Recipe {
    let reader = KeyReader(file: file)
    try reader.checkKeys(json, allowed: ["format", "model", "tokenizer", "corpus", "training"], path: "")
    if let version = try reader.int(json, "format", path: "") {
      if version > formatVersion { throw RecipeError.newerFormat(file: file, version: version) }
    }
    var recipe = Recipe()
    if let model = try reader.object(json, "model", path: "") {
      try reader.checkKeys(model, allowed: ["layers", "heads", "modelDim", "contextLength", "mlpDim"], path: "model.")
      recipe.model.layers = try reader.int(model, "layers", path: "model.") ?? recipe.model.layers
      recipe.model.heads = try reader.int(model, "heads", path: "model.") ?? recipe.model.heads
      recipe.model.modelDim = try reader.int(model, "modelDim", path: "model.") ?? recipe.model.modelDim
      recipe.model.contextLength = try reader.int(model, "contextLength", path: "model.") ?? recipe.model.contextLength
      recipe.model.mlpDim = try reader.int(model, "mlpDim", path: "model.") ?? recipe.model.mlpDim
    }
    if let tokenizer = try reader.object(json, "tokenizer", path: "") {
      try reader.checkKeys(tokenizer, allowed: ["vocabularySize", "trainingDocuments", "directory"], path: "tokenizer.")
      if let directory = try reader.string(tokenizer, "directory", path: "tokenizer.") {
        recipe.tokenizer.directory = directory.hasPrefix("/") ? directory
          : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(directory).path
      }
      recipe.tokenizer.vocabularySize = try reader.int(tokenizer, "vocabularySize", path: "tokenizer.") ?? recipe.tokenizer.vocabularySize
      recipe.tokenizer.trainingDocuments = try reader.int(tokenizer, "trainingDocuments", path: "tokenizer.") ?? recipe.tokenizer.trainingDocuments
    }
    if let corpus = try reader.object(json, "corpus", path: "") {
      try reader.checkKeys(corpus, allowed: ["documents", "seed", "ioi", "successor", "repeatedSpan", "story"], path: "corpus.")
      recipe.corpus.documents = try reader.int(corpus, "documents", path: "corpus.") ?? recipe.corpus.documents
      if let seed = try reader.int(corpus, "seed", path: "corpus.") {
        guard let value = UInt64(exactly: seed) else { throw RecipeError.wrongType(file: file, key: "corpus.seed", expected: "a non-negative integer") }
        recipe.corpus.seed = value
      }
      recipe.corpus.ioi = try reader.double(corpus, "ioi", path: "corpus.") ?? recipe.corpus.ioi
      recipe.corpus.successor = try reader.double(corpus, "successor", path: "corpus.") ?? recipe.corpus.successor
      recipe.corpus.repeatedSpan = try reader.double(corpus, "repeatedSpan", path: "corpus.") ?? recipe.corpus.repeatedSpan
      recipe.corpus.story = try reader.double(corpus, "story", path: "corpus.") ?? recipe.corpus.story
    }
    if let training = try reader.object(json, "training", path: "") {
      recipe.training = try reader.overlay(TrainingSettings(), with: training, path: "training.")
    }
    try recipe.validate()
    return recipe
  }

  /// The recipe as JSON (every key, sorted), for model cards and checkpoints.
  public func json() throws -> [String: Any] {
    let training = try JSONSerialization.jsonObject(with: JSONEncoder().encode(self.training))
    var modelSection: [String: Any] = ["layers": model.layers, "heads": model.heads, "modelDim": model.modelDim, "contextLength": model.contextLength]
    if let mlp = model.mlpDim { modelSection["mlpDim"] = mlp }
    return [
      "format": Recipe.formatVersion,
      "model": modelSection,
      "tokenizer": ["vocabularySize": tokenizer.vocabularySize, "trainingDocuments": tokenizer.trainingDocuments]
        .merging(tokenizer.directory.map { ["directory": $0] } ?? [:]) { a, _ in a },
      "corpus": ["documents": corpus.documents, "seed": corpus.seed, "ioi": corpus.ioi, "successor": corpus.successor,
                 "repeatedSpan": corpus.repeatedSpan, "story": corpus.story],
      "training": training,
    ]
  }
}

/// Typed, strict access to recipe keys.
struct KeyReader {
  let file: String

  func checkKeys(_ object: [String: Any], allowed: [String], path: String) throws {
    for key in object.keys.sorted() where !allowed.contains(key) {
      throw RecipeError.unknownKey(file: file, key: path + key, allowed: allowed)
    }
  }

  func object(_ json: [String: Any], _ key: String, path: String) throws -> [String: Any]? {
    guard let raw = json[key] else { return nil }
    guard let value = raw as? [String: Any] else { throw RecipeError.wrongType(file: file, key: path + key, expected: "an object") }
    return value
  }

  func int(_ json: [String: Any], _ key: String, path: String) throws -> Int? {
    guard let raw = json[key] else { return nil }
    guard let number = raw as? NSNumber, !isJSONBoolean(raw), number.doubleValue.rounded() == number.doubleValue else {
      throw RecipeError.wrongType(file: file, key: path + key, expected: "an integer")
    }
    return number.intValue
  }

  func string(_ json: [String: Any], _ key: String, path: String) throws -> String? {
    guard let raw = json[key], !(raw is NSNull) else { return nil }
    guard let value = raw as? String else { throw RecipeError.wrongType(file: file, key: path + key, expected: "a string") }
    return value
  }

  func double(_ json: [String: Any], _ key: String, path: String) throws -> Double? {
    guard let raw = json[key] else { return nil }
    guard let number = raw as? NSNumber, !isJSONBoolean(raw) else {
      throw RecipeError.wrongType(file: file, key: path + key, expected: "a number")
    }
    return number.doubleValue
  }

  /// Decodes `user` over the defaults of `value`: every key of `user` must be a key of the
  /// encoded default (recursively), and keeps its default type.
  func overlay<T: Codable>(_ value: T, with user: [String: Any], path: String) throws -> T {
    let defaults = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as! [String: Any]
    let merged = try merge(defaults, user, path: path)
    do {
      return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: merged))
    } catch DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context) {
      let key = path + context.codingPath.map(\.stringValue).joined(separator: ".")
      throw RecipeError.wrongType(file: file, key: key, expected: "a value of the default's type")
    }
  }

  private func merge(_ defaults: [String: Any], _ user: [String: Any], path: String) throws -> [String: Any] {
    var result = defaults
    try checkKeys(user, allowed: Array(defaults.keys), path: path)
    for (key, value) in user {
      if let nested = defaults[key] as? [String: Any] {
        guard let userNested = value as? [String: Any] else {
          throw RecipeError.wrongType(file: file, key: path + key, expected: "an object")
        }
        result[key] = try merge(nested, userNested, path: path + key + ".")
      } else {
        if let defaultValue = defaults[key], isJSONBoolean(defaultValue) != isJSONBoolean(value) || (defaultValue is NSNumber) != (value is NSNumber) {
          throw RecipeError.wrongType(file: file, key: path + key, expected: "a number")
        }
        result[key] = value
      }
    }
    return result
  }
}
