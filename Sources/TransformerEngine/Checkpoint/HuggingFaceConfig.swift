import Foundation

/// Reads a Hugging Face `config.json` into a `ModelConfig`.
///
/// Dispatches on `model_type`; each architecture names the keys it needs. Unknown keys are
/// ignored (HF configs carry many training-only fields), but a key the architecture relies on
/// must be present and of the right type, and settings the engine does not implement are refused
/// rather than silently run wrong.
public enum HuggingFaceConfig {
  public static func load(_ url: URL) throws -> ModelConfig {
    let file = url.path
    guard let data = FileManager.default.contents(atPath: file) else {
      try LinkedFile.checkNotDangling(url)
      throw CheckpointError.unreadable(file: file, reason: "no such file or no permission")
    }
    guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw CheckpointError.badConfig(file: file, reason: "not a JSON object")
    }
    return try parse(object, file: file)
  }

  public static func parse(_ json: [String: Any], file: String) throws -> ModelConfig {
    let keys = Keys(json: json, file: file)
    let type = try keys.string("model_type")
    switch type {
    case "gpt2": return try gpt2(keys)
    default:
      throw CheckpointError.badConfig(file: file, reason: "model_type '\(type)' is not supported yet (supported: gpt2)")
    }
  }

  private static func gpt2(_ keys: Keys) throws -> ModelConfig {
    let activationName = try keys.optionalString("activation_function") ?? "gelu_new"
    guard let activation = ModelConfig.Activation(rawValue: activationName == "gelu_pytorch_tanh" ? "gelu_new" : activationName) else {
      throw keys.error("activation_function '\(activationName)' is not supported (gelu_new, gelu, relu)")
    }
    if try keys.optionalBool("scale_attn_by_inverse_layer_idx") == true {
      throw keys.error("scale_attn_by_inverse_layer_idx = true is not supported")
    }
    if try keys.optionalBool("scale_attn_weights") == false {
      throw keys.error("scale_attn_weights = false is not supported")
    }
    let config = ModelConfig(
      family: "gpt2",
      layers: try keys.int("n_layer"),
      heads: try keys.int("n_head"),
      modelDim: try keys.int("n_embd"),
      mlpDim: try keys.optionalInt("n_inner"),
      contextLength: try keys.optionalInt("n_positions") ?? keys.int("n_ctx"),
      vocabularySize: try keys.int("vocab_size"),
      normEpsilon: Float(try keys.optionalDouble("layer_norm_epsilon") ?? 1e-5),
      activation: activation,
      tiedEmbeddings: try keys.optionalBool("tie_word_embeddings") ?? true)
    do { try config.validate() } catch EngineError.invalidConfig(let message) {
      throw keys.error(message)
    }
    return config
  }

  /// Typed access to config keys with errors naming the key and file.
  struct Keys {
    let json: [String: Any]
    let file: String

    func error(_ reason: String) -> CheckpointError { .badConfig(file: file, reason: reason) }

    func string(_ key: String) throws -> String {
      guard let v = try optionalString(key) else { throw error("missing key '\(key)'") }
      return v
    }
    func optionalString(_ key: String) throws -> String? {
      guard let raw = json[key], !(raw is NSNull) else { return nil }
      guard let v = raw as? String else { throw error("'\(key)' must be a string") }
      return v
    }
    func int(_ key: String) throws -> Int {
      guard let v = try optionalInt(key) else { throw error("missing key '\(key)'") }
      return v
    }
    func optionalInt(_ key: String) throws -> Int? {
      guard let raw = json[key], !(raw is NSNull) else { return nil }
      guard let n = raw as? NSNumber, !isJSONBoolean(raw), n.doubleValue == n.doubleValue.rounded() else {
        throw error("'\(key)' must be an integer")
      }
      return n.intValue
    }
    func optionalDouble(_ key: String) throws -> Double? {
      guard let raw = json[key], !(raw is NSNull) else { return nil }
      guard let n = raw as? NSNumber, !isJSONBoolean(raw) else { throw error("'\(key)' must be a number") }
      return n.doubleValue
    }
    func optionalBool(_ key: String) throws -> Bool? {
      guard let raw = json[key], !(raw is NSNull) else { return nil }
      guard isJSONBoolean(raw), let b = raw as? Bool else { throw error("'\(key)' must be true or false") }
      return b
    }
  }
}
