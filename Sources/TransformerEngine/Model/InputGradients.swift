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
    var sum = wantsAttnIn ? Tensor(shape: shape) : nil
    var dln = [Float](repeating: 0, count: N * C)    // [N,C] ∂/∂ln1 output through one head's part
    var dinput = [Float](repeating: 0, count: N * C) // [N,C] ∂/∂ln1 input through it
    for (p, point) in parts.enumerated() {
      let site = HookSite.block(l, point)
      let wantsPart = wanted.contains(site)
      guard wantsPart || wantsAttnIn else { continue }
      var out = wantsPart ? Tensor(shape: shape) : nil  // [B,T,NH,C]
      for h in 0..<NH {
        let column = p * C + h * HS
        dln.withUnsafeMutableBufferPointer { d in
          dinput.withUnsafeMutableBufferPointer { x in
            BLAS.matmul(dqkv + column, lda: 3 * C, qkvWeight + column, transposeB: true, ldb: 3 * C,
                        into: d.baseAddress!, m: N, n: C, k: HS)
            x.update(repeating: 0)
            layerNormBackward(dinp: x.baseAddress!, dweight: nil, dbias: nil, dout: d.baseAddress!, input: residual,
                              weight: ln1Weight, mean: mean, scale: scale, N: N, C: C)
          }
        }
        for n in 0..<N {
          let offset = (n * NH + h) * C
          for i in 0..<C {
            out?.values[offset + i] = dinput[n * C + i]
            sum?.values[offset + i] += dinput[n * C + i]
          }
        }
      }
      if let out { cache[site] = out }
    }
    if let sum { cache[attnIn] = sum }
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
