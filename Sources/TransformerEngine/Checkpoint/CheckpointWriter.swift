import Foundation

/// Saves a model as a Hugging Face GPT-2 directory (`config.json` + `model.safetensors`, names
/// and orientation as `GPT2LMHeadModel.save_pretrained` writes them), each file atomically.
public enum CheckpointWriter {
  /// `endOfTextID` is the id of the model's own `<|endoftext|>`, written as `bos_token_id` and
  /// `eos_token_id` (GPT-2 uses the one token for both); nil writes them as null. Either way the
  /// keys are written: a config without them makes transformers assume GPT-2's 50256, which lies
  /// outside any smaller vocabulary.
  public static func save(_ model: TransformerModel, to directory: URL, endOfTextID: Int?, dtype: DType = .f32,
                          extraConfig: [String: Any] = [:]) throws {
    let configFile = directory.appendingPathComponent("config.json")
    var config = try huggingFaceConfig(model.config, endOfTextID: endOfTextID, dtype: dtype, file: configFile.path)
    for (k, v) in extraConfig { config[k] = v }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let map = WeightMap.gpt2(config: model.config, prefix: "transformer.")
    let items = map.required.sorted { $0.key < $1.key }.map { name, parameter in
      SafetensorsWriter.Item(name, model.parameters.tensor(parameter), dtype: dtype)
    }
    try SafetensorsWriter.write(items, metadata: ["format": "pt"], to: directory.appendingPathComponent("model.safetensors"))
    let json = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys, .prettyPrinted])
    try AtomicFile.write(json, to: configFile)
  }

  /// The `config.json` dictionary `transformers` reads for this configuration; `file` names it in
  /// the error when `endOfTextID` is outside the vocabulary.
  public static func huggingFaceConfig(_ c: ModelConfig, endOfTextID: Int?, dtype: DType = .f32,
                                       file: String = "config.json") throws -> [String: Any] {
    if let id = endOfTextID, !(0..<c.vocabularySize).contains(id) {
      throw CheckpointError.badConfig(file: file, reason: "<|endoftext|> id \(id) (bos_token_id, eos_token_id) is outside the vocabulary of \(c.vocabularySize) tokens")
    }
    let specialToken: Any = endOfTextID ?? NSNull()
    return [
      "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
      "n_layer": c.layers, "n_head": c.heads, "n_embd": c.modelDim, "n_inner": c.mlpDim,
      "n_positions": c.contextLength, "n_ctx": c.contextLength, "vocab_size": c.vocabularySize,
      "layer_norm_epsilon": Double(c.normEpsilon), "activation_function": c.activation.rawValue,
      "tie_word_embeddings": c.tiedEmbeddings, "scale_attn_weights": true,
      "bos_token_id": specialToken, "eos_token_id": specialToken,
      "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
      "torch_dtype": ["F32": "float32", "F16": "float16", "BF16": "bfloat16"][dtype.rawValue]!,
    ]
  }
}
