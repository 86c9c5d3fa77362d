import Foundation
import TransformerEngine

/// The final residual stream at one position split into the pieces that wrote it
/// (TransformerLens `decompose_resid` with `stack_head_results`, and the attention output biases
/// as pieces of their own): embed, pos_embed, each head's `hook_result` (layer-major, "l.h"),
/// each layer's b_O ("attn_bias{l}"), each MLP's output ("mlp{l}"). The pieces sum to
/// `blocks.{L-1}.hook_resid_post` at that position.
///
/// `scaled` is each piece centred (its mean over d_model subtracted) and divided by ln_final's
/// scale frozen from the clean run (`ln_final.hook_scale` at that position): TransformerLens
/// `apply_ln_to_stack`, which makes the scaled pieces sum to `ln_final.hook_normalized`.
public struct ResidualDecomposition: Sendable {
  /// One label per piece: "embed", "pos_embed", "0.3", "attn_bias0", "mlp0", …
  public let labels: [String]
  /// [K, C]: the raw pieces.
  public let components: Tensor
  /// [K, C]: the pieces centred and divided by `finalScale`.
  public let scaled: Tensor
  /// ln_final's scale sqrt(var + eps) of the clean residual at `position`.
  public let finalScale: Float
  public let position: Int
  /// The clean run's logits at `position` [V].
  public let logits: [Float]

  public init(_ subject: AnalysisSubject, tokens: [Int], position: Int? = nil) throws {
    try subject.check(tokens: tokens)
    let p = try subject.resolve(position: position, count: tokens.count)
    let model = subject.model, L = subject.layers, NH = subject.heads, C = subject.config.modelDim
    var sites: Set<HookSite> = [HookSite(.embed), HookSite(.posEmbed), HookSite(.finalScale)]
    for l in 0..<L { sites.formUnion([.block(l, .result), .block(l, .mlpOut)]) }
    let (logits, cache) = try model.runWithCache([tokens], sites: sites, logits: .positions([p]))
    if logits.values.contains(where: { !$0.isFinite }) { throw AnalysisError.nonFinite("the logits at position \(p)") }

    var labels = ["embed", "pos_embed"]
    var rows = [Float]()  // [K, C]
    func append(_ site: HookSite, offset: Int) { rows += cache[site]!.values[offset..<(offset + C)] }
    append(HookSite(.embed), offset: p * C)
    append(HookSite(.posEmbed), offset: p * C)
    for l in 0..<L {
      for h in 0..<NH {
        labels.append("\(l).\(h)")
        append(.block(l, .result), offset: (p * NH + h) * C)  // hook_result [1,T,NH,C]
      }
    }
    for l in 0..<L {
      labels.append("attn_bias\(l)")
      rows += UnsafeBufferPointer(start: model.parameters.pointer(.block(l, .attnOutBias)), count: C)
    }
    for l in 0..<L {
      labels.append("mlp\(l)")
      append(.block(l, .mlpOut), offset: p * C)
    }
    let scale = cache[HookSite(.finalScale)]!.values[p]
    var scaled = rows
    for k in 0..<labels.count {
      let piece = scaled[(k * C)..<((k + 1) * C)]
      let mean = piece.reduce(0, +) / Float(C)
      for i in (k * C)..<((k + 1) * C) { scaled[i] = (scaled[i] - mean) / scale }
    }
    self.labels = labels
    self.components = Tensor(shape: [labels.count, C], values: rows)
    self.scaled = Tensor(shape: [labels.count, C], values: scaled)
    self.finalScale = scale
    self.position = p
    self.logits = logits.values
  }
}
