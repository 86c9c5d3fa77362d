import Foundation

/// Saves a model as a Hugging Face GPT-2 directory (`config.json` + `model.safetensors`, names
/// and orientation as `GPT2LMHeadModel.save_pretrained` writes them), each file atomically.
public enum CheckpointWriter {
  public static func save(_ model: TransformerModel, to directory: URL, dtype: DType = .f32, extraConfig: [String: Any] = [:]) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let map = WeightMap.gpt2(config: model.config, prefix: "transformer.")
    let items = map.required.sorted { $0.key < $1.key }.map { name, parameter in
      SafetensorsWriter.Item(name, model.parameters.tensor(parameter), dtype: dtype)
    }
    try SafetensorsWriter.write(items, metadata: ["format": "pt"], to: directory.appendingPathComponent("model.safetensors"))
    var config = huggingFaceConfig(model.config, dtype: dtype)
    for (k, v) in extraConfig { config[k] = v }
    let json = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys, .prettyPrinted])
    try AtomicFile.write(json, to: directory.appendingPathComponent("config.json"))
  }

  /// The `config.json` dictionary `transformers` reads for this configuration.
  public static func huggingFaceConfig(_ c: ModelConfig, dtype: DType = .f32) -> [String: Any] {
    [
      "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
      "n_layer": c.layers, "n_head": c.heads, "n_embd": c.modelDim, "n_inner": c.mlpDim,
      "n_positions": c.contextLength, "n_ctx": c.contextLength, "vocab_size": c.vocabularySize,
      "layer_norm_epsilon": Double(c.normEpsilon), "activation_function": c.activation.rawValue,
      "tie_word_embeddings": c.tiedEmbeddings, "scale_attn_weights": true,
      "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
      "torch_dtype": ["F32": "float32", "F16": "float16", "BF16": "bfloat16"][dtype.rawValue]!,
    ]
  }
}
