// Gradients at the inputs of each head and each MLP, the receivers of ACDC's and EAP's circuit
// graph, recorded from a backward pass whose forward pass ran without the per-head copies.
// Legend: B batch, T positions, N = B*T rows, C d_model, NH heads, HS head size.

extension GradientRecorder {
  /// `blocks.{l}.hook_q_input` / `hook_k_input` / `hook_v_input` [B,T,NH,C] and
  /// `blocks.{l}.hook_attn_in` [B,T,NH,C]: ∂value/∂(the copy of resid_pre that head h's query,
  /// key or value reads), as TransformerLens gives them with `use_split_qkv_input` /
  /// `use_attn_in`. The plain forward pass computes the same numbers as those per-head copies (each
  /// is resid_pre), so the gradient of head h's part p is ln1's backward of
  /// dqkv[:, p·C + h·HS ..< +HS] · W[:, p·C + h·HS ..< +HS]ᵀ with ln1's statistics of resid_pre;
  /// `hook_attn_in` (which q, k and v all read when the inputs are not split) is the sum of the
  /// three. Nothing is computed unless one of these sites of layer l is wanted.
  func recordPerHeadInputs(
    layer l: Int, dqkv: UnsafePointer<Float>, qkvWeight: UnsafePointer<Float>, ln1Weight: UnsafePointer<Float>,
    residual: UnsafePointer<Float>, mean: UnsafePointer<Float>, scale: UnsafePointer<Float>
  ) {
    let parts: [HookSite.Point] = [.qInput, .kInput, .vInput]
    let attnIn = HookSite.block(l, .attnIn)
    let wantsAttnIn = wanted.contains(attnIn)
    guard wantsAttnIn || parts.contains(where: { wanted.contains(.block(l, $0)) }) else { return }
    let N = B * T, C = config.modelDim, NH = config.heads, HS = config.headDim
    let shape = attnIn.shape(batch: B, positions: T, config: config)
    var dln = [Float](repeating: 0, count: N * C)  // [N,C] ∂/∂ln1 output through head h's parts
    /// [B,T,NH,C]: for each head, ln1's backward of Σ over `parts` (0 q, 1 k, 2 v) of the head's
    /// slice of dqkv times its slice of W (ln1's backward is linear in its output gradient).
    func gradient(through parts: [Int]) -> Tensor {
      var out = Tensor(shape: shape)
      dln.withUnsafeMutableBufferPointer { d in
        out.values.withUnsafeMutableBufferPointer { o in
          var x = [Float](repeating: 0, count: N * C)  // [N,C]
          for h in 0..<NH {
            for (i, p) in parts.enumerated() {
              let column = p * C + h * HS
              BLAS.matmul(dqkv + column, lda: 3 * C, qkvWeight + column, transposeB: true, ldb: 3 * C,
                          into: d.baseAddress!, m: N, n: C, k: HS, beta: i == 0 ? 0 : 1)
            }
            x.withUnsafeMutableBufferPointer { x in
              x.update(repeating: 0)
              layerNormBackward(dinp: x.baseAddress!, dweight: nil, dbias: nil, dout: d.baseAddress!, input: residual,
                                weight: ln1Weight, mean: mean, scale: scale, N: N, C: C)
              for n in 0..<N { (o.baseAddress! + (n * NH + h) * C).update(from: x.baseAddress! + n * C, count: C) }
            }
          }
        }
      }
      return out
    }
    for (p, point) in parts.enumerated() where wanted.contains(.block(l, point)) {
      cache[.block(l, point)] = gradient(through: [p])
    }
    if wantsAttnIn { cache[attnIn] = gradient(through: [0, 1, 2]) }
  }

  /// `blocks.{l}.hook_mlp_in` [B,T,C]: ∂value/∂(the copy of resid_mid that only ln2 reads), ln2's
  /// backward of `dout` (∂/∂ln2 output) alone, without the residual path around the MLP.
  func recordMLPInput(
    layer l: Int, dout: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    mean: UnsafePointer<Float>, scale: UnsafePointer<Float>
  ) {
    let site = HookSite.block(l, .mlpIn)
    guard wanted.contains(site) else { return }
    var t = Tensor(shape: site.shape(batch: B, positions: T, config: config))
    t.values.withUnsafeMutableBufferPointer { x in
      layerNormBackward(dinp: x.baseAddress!, dweight: nil, dbias: nil, dout: dout, input: input, weight: weight,
                        mean: mean, scale: scale, N: B * T, C: config.modelDim)
    }
    cache[site] = t
  }
}
