import TransformerEngine

/// The mean output of each sender of the circuit graph over the reference (corrupted)
/// distribution, per template and position as `AblationMeans` takes them (Wang et al. 2022: the
/// mean over p_ABC per template; averaging across templates would mix token roles). Each value is
/// [B,T,C] for the rows of one block (padding positions 0):
/// - `embed`: mean(hook_embed) + mean(hook_pos_embed);
/// - head l.h: mean(hook_z[:, :, h]) · W_O[h·HS ..< (h+1)·HS, :], which is mean(hook_result[:, :, h])
///   because the head's result is linear in its z (TransformerLens's hook_result has no b_O);
/// - MLP l: mean(hook_mlp_out).
struct SenderMeans {
  /// The sites whose reference means the senders need, for every layer of the model.
  static func sites(layers L: Int) -> [HookSite] {
    [HookSite(.embed), HookSite(.posEmbed)] + (0..<L).flatMap { [HookSite.block($0, .z), HookSite.block($0, .mlpOut)] }
  }

  /// [B·T·C] per sender.
  let values: [CircuitNode: [Float]]

  init(_ senders: [CircuitNode], means: AblationMeans, subject: AnalysisSubject, block: PromptPairBatch, name: String) throws {
    let config = subject.config, C = config.modelDim, NH = config.heads, HS = config.headDim
    let B = block.count, T = block.length, N = B * T
    func mean(_ sites: [HookSite]) throws -> [Tensor] {
      try means.means(at: sites, shape: sites[0].shape(batch: B, positions: T, config: config), prompts: block.clean,
                      templates: block.templates, position: C, name: name)
    }
    var values: [CircuitNode: [Float]] = [:]
    var zMeans: [Int: Tensor] = [:]  // layer -> [B,T,NH,HS], computed once per layer
    for sender in senders {
      switch sender {
      case .embed:
        let parts = try mean([HookSite(.embed), HookSite(.posEmbed)])
        values[sender] = zip(parts[0].values, parts[1].values).map { $0 + $1 }
      case .mlp(let l):
        values[sender] = try mean([.block(l, .mlpOut)])[0].values
      case .head(let l, let h):
        if zMeans[l] == nil { zMeans[l] = try mean([.block(l, .z)])[0] }
        let z = zMeans[l]!  // [B,T,NH,HS]
        let wO = subject.model.parameters.pointer(.block(l, .attnOutWeight))  // [C,C], head h's rows h·HS..<(h+1)·HS
        var out = [Float](repeating: 0, count: N * C)
        z.values.withUnsafeBufferPointer { zp in
          out.withUnsafeMutableBufferPointer { o in
            BLAS.matmul(zp.baseAddress! + h * HS, lda: NH * HS, wO + h * HS * C, ldb: C, into: o.baseAddress!, m: N, n: C, k: HS)
          }
        }
        values[sender] = out
      case .headInput, .logits:
        preconditionFailure("\(sender.name) is not a sender")
      }
    }
    self.values = values
  }
}
