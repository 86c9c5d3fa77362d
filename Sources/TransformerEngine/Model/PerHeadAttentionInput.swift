// Per-head attention inputs: TransformerLens's `use_attn_in` and `use_split_qkv_input`.
// Legend: B batch, T positions, N = B*T rows, C d_model, NH heads, HS head size.

extension TransformerModel {
  /// Fills `a.qkv` [N,3C] from per-head copies of the residual stream, the path TransformerLens
  /// takes with `use_attn_in` / `use_split_qkv_input` (`TransformerBlock.forward`), run only when
  /// one of those sites is hooked at this layer:
  ///
  /// 1. `hook_attn_in` [B,T,NH,C]: `resid_pre` repeated along a head axis;
  /// 2. `hook_q_input`, `hook_k_input`, `hook_v_input` [B,T,NH,C]: each `resid_pre` repeated
  ///    again (as in TransformerLens, they do not read `hook_attn_in`; when none of them is hooked,
  ///    q, k and v all read `hook_attn_in`);
  /// 3. ln1 on every (position, head) row of each input, then head h's slice of W_Q / W_K / W_V.
  ///
  /// So the query, key and value of each head can receive a different residual stream: path
  /// patching's building block (Wang et al. 2022, "Interpretability in the Wild"; Goldowsky-Dill
  /// et al. 2023, "Localizing Model Behavior with Path Patching"). The ln1 hooks would have the
  /// per-head shape [B,T,NH,...] here, so hooking them at the same layer is refused.
  func projectPerHeadInputs(
    _ a: Workspace.Block, residual x: UnsafePointer<Float>, layer l: Int, visitor: HookVisitor, N: Int
  ) throws {
    let C = config.modelDim, NH = config.heads, HS = config.headDim
    for point in [HookSite.Point.ln1Scale, .ln1Normalized] where visitor.isHooked(.block(l, point)) {
      throw EngineError.unsupportedHooks(
        "blocks.\(l).\(point.suffix) cannot be hooked together with a per-head attention input (hook_attn_in / hook_q_input / hook_k_input / hook_v_input) at layer \(l): ln1 then runs per head")
    }
    func repeatedPerHead() -> [Float] {  // [N,NH,C]
      var out = [Float](repeating: 0, count: N * NH * C)
      out.withUnsafeMutableBufferPointer { o in
        for n in 0..<N { for h in 0..<NH { (o.baseAddress! + (n * NH + h) * C).update(from: x + n * C, count: C) } }
      }
      return out
    }
    func visited(_ point: HookSite.Point) throws -> [Float] {
      var input = repeatedPerHead()
      try input.withUnsafeMutableBufferPointer { try visitor.visit(.block(l, point), $0.baseAddress!) }
      return input
    }
    let split = [HookSite.Point.qInput, .kInput, .vInput].contains { visitor.isHooked(.block(l, $0)) }
    let attnIn = visitor.isHooked(.block(l, .attnIn)) ? try visited(.attnIn) : nil
    let inputs = split ? [try visited(.qInput), try visited(.kInput), try visited(.vInput)] : [attnIn!, attnIn!, attnIn!]

    let p = parameters
    let lnWeight = p.pointer(.block(l, .ln1Weight)), lnBias = p.pointer(.block(l, .ln1Bias))
    let weight = p.pointer(.block(l, .qkvWeight)), bias = p.pointer(.block(l, .qkvBias))  // [C,3C], [3C]
    var mean = [Float](repeating: 0, count: N * NH), scale = mean       // [N,NH]
    var normalized = [Float](repeating: 0, count: N * NH * C)           // [N,NH,C]
    for (part, input) in inputs.enumerated() {
      input.withUnsafeBufferPointer { inp in
        normalized.withUnsafeMutableBufferPointer { out in
          let x = inp.baseAddress!, y = out.baseAddress!
          layerNormStatistics(mean: &mean, scale: &scale, input: x, N: N * NH, C: C, epsilon: config.normEpsilon)
          layerNormNormalize(out: y, input: x, mean: mean, scale: scale, N: N * NH, C: C)
          layerNormAffine(y, weight: lnWeight, bias: lnBias, N: N * NH, C: C)
          // q|k|v part, head h: qkv[n, part*C + h*HS ..< +HS] = bias + y[n,h,:] · W[:, part*C + h*HS ..< +HS].
          for n in 0..<N { (a.qkv + n * 3 * C + part * C).update(from: bias + part * C, count: C) }
          for h in 0..<NH {
            let column = part * C + h * HS
            BLAS.matmul(y + h * C, lda: NH * C, weight + column, ldb: 3 * C, into: a.qkv + column, ldc: 3 * C,
                        m: N, n: HS, k: C, beta: 1)
          }
        }
      }
    }
  }
}
