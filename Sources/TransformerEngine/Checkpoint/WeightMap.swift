/// How a checkpoint's tensor names map onto the engine's parameters, for one architecture.
///
/// GPT-2 (Hugging Face `GPT2LMHeadModel`): the Conv1D weights `c_attn`, `c_proj`, `c_fc` are
/// stored (in, out), which is the engine's own orientation (see `BlockParameter`), so nothing is
/// transposed. `attn.bias` and `attn.masked_bias` are causal-mask buffers, not weights: dropped.
/// `lm_head.weight` is the tied token embedding when embeddings are tied: dropped after checking
/// it equals `wte`. Keys may carry the `transformer.` prefix (saved from `GPT2LMHeadModel`) or not
/// (saved from `GPT2Model`, like the original OpenAI conversion).
public struct WeightMap: Sendable {
  /// Checkpoint name -> parameter, for every tensor the architecture needs.
  public let required: [String: ParameterName]
  /// Name suffixes of tensors that may be present and are ignored.
  public let droppedSuffixes: [String]
  /// A tied-duplicate name that, if present, must equal the given parameter.
  public let tiedDuplicate: (name: String, of: ParameterName)?

  public static func gpt2(config: ModelConfig, prefix: String) -> WeightMap {
    var map: [String: ParameterName] = [
      "\(prefix)wte.weight": .tokenEmbedding,
      "\(prefix)wpe.weight": .positionEmbedding,
      "\(prefix)ln_f.weight": .finalNormWeight,
      "\(prefix)ln_f.bias": .finalNormBias,
    ]
    let names: [(String, BlockParameter)] = [
      ("ln_1.weight", .ln1Weight), ("ln_1.bias", .ln1Bias),
      ("attn.c_attn.weight", .qkvWeight), ("attn.c_attn.bias", .qkvBias),
      ("attn.c_proj.weight", .attnOutWeight), ("attn.c_proj.bias", .attnOutBias),
      ("ln_2.weight", .ln2Weight), ("ln_2.bias", .ln2Bias),
      ("mlp.c_fc.weight", .mlpInWeight), ("mlp.c_fc.bias", .mlpInBias),
      ("mlp.c_proj.weight", .mlpOutWeight), ("mlp.c_proj.bias", .mlpOutBias),
    ]
    for l in 0..<config.layers {
      for (suffix, parameter) in names { map["\(prefix)h.\(l).\(suffix)"] = .block(l, parameter) }
    }
    if !config.tiedEmbeddings { map["lm_head.weight"] = .unembedding }
    return WeightMap(
      required: map,
      droppedSuffixes: [".attn.bias", ".attn.masked_bias"],
      tiedDuplicate: config.tiedEmbeddings ? ("lm_head.weight", .tokenEmbedding) : nil)
  }

  /// The map for `config`'s family, choosing the key prefix the checkpoint actually uses.
  public static func forConfig(_ config: ModelConfig, names: Set<String>) -> WeightMap {
    let prefix = names.contains("transformer.wte.weight") ? "transformer." : ""
    return gpt2(config: config, prefix: prefix)
  }

  public func isDropped(_ name: String) -> Bool { droppedSuffixes.contains { name.hasSuffix($0) } }

  /// The checkpoint name of a parameter (for writing checkpoints in the same convention).
  public func checkpointName(of parameter: ParameterName) -> String? {
    required.first { $0.value == parameter }?.key
  }
}
