import TransformerEngine

/// The parts the residual stream at block `layer`'s input is the sum of, each [T, C] for one
/// prompt: every earlier head's output (`hook_result`, without b_O), the token and position
/// embeddings, each earlier layer's attention bias b_O and MLP output. The labels are "l.h" for
/// heads and "embed", "pos_embed", "attn_bias{l}", "mlp{l}" for the rest.
struct ResidualComponents {
  let labels: [String]
  /// [K][T * C]
  let values: [[Float]]
  /// How many leading components are heads.
  let headCount: Int

  /// The hook sites a cached run must record for `layer`.
  static func sites(layer: Int) -> Set<HookSite> {
    var sites: Set<HookSite> = [HookSite(.embed), HookSite(.posEmbed)]
    for l in 0..<layer { sites.formUnion([.block(l, .result), .block(l, .mlpOut)]) }
    return sites
  }

  init(cache: ActivationCache, model: TransformerModel, layer: Int, positions T: Int) {
    let C = model.config.modelDim, NH = model.config.heads
    var labels: [String] = [], values: [[Float]] = []
    for l in 0..<layer {
      let result = cache[.block(l, .result)]!.values  // [1, T, NH, C]
      for h in 0..<NH {
        labels.append("\(l).\(h)")
        var part = [Float](repeating: 0, count: T * C)  // [T, C]
        for t in 0..<T { for c in 0..<C { part[t * C + c] = result[(t * NH + h) * C + c] } }
        values.append(part)
      }
    }
    headCount = labels.count
    labels += ["embed", "pos_embed"]
    values += [cache[HookSite(.embed)]!.values, cache[HookSite(.posEmbed)]!.values]
    for l in 0..<layer {
      let bias = model.parameters.pointer(.block(l, .attnOutBias))  // [C]
      labels.append("attn_bias\(l)")
      var part = [Float](repeating: 0, count: T * C)  // [T, C]
      for t in 0..<T { for c in 0..<C { part[t * C + c] = bias[c] } }
      values.append(part)
      labels.append("mlp\(l)")
      values.append(cache[.block(l, .mlpOut)]!.values)
    }
    self.labels = labels
    self.values = values
  }
}
