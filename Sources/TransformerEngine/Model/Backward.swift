// The backward pass: gradients of a scalar objective of the logits with respect to every
// parameter, to the activation at any hook site, and to the head gates.
// Legend: B batch, T positions, C d_model, NH heads, HS head size, M MLP width, L layers, V vocab.

/// What `TransformerModel.gradients` returns.
public struct GradientResult: Sendable {
  /// The objective's value.
  public let value: Float
  /// Logits [B, P, V] of the forward pass.
  public let logits: Tensor
  /// ∂value/∂activation at each requested hook site, in the site's TransformerLens shape.
  public let activationGradients: ActivationCache
  /// ∂value/∂gate when head gates were active, in the gates' shape: [L, NH] for shared gates
  /// (summed over rows), [B, L, NH] for row-wise gates (each row's own).
  public let headGateGradient: Tensor?
}

/// An objective: maps logits [B,P,V] to a value and ∂value/∂logits (same shape).
public typealias Objective = (Tensor) throws -> (value: Float, gradient: Tensor)

extension TransformerModel {
  /// Runs forward then backward. Parameter gradients are *added* into `parameterGradients`
  /// (zero it first) when given. Hooks active during the forward pass are treated as the identity
  /// by the backward pass (gradients pass through a replaced activation unchanged). Gradients at
  /// the per-head attention inputs (`hook_attn_in`, `hook_q_input`, `hook_k_input`,
  /// `hook_v_input`) and at `hook_mlp_in` are those of the per-head copies TransformerLens makes
  /// (see `GradientRecorder.recordPerHeadInputs`), but hooking a per-head attention input during
  /// `gradients` is refused (ln1 then runs per head, which the backward pass does not undo).
  public func gradients(
    _ tokens: [[Int]], logits selection: LogitPositions = .last, sites: Set<HookSite> = [],
    parameterGradients: ParameterStore? = nil, objective: Objective
  ) throws -> GradientResult {
    try gradients(.tokens(tokens), lengths: nil, logits: selection, sites: sites,
                  parameterGradients: parameterGradients, objective: objective)
  }

  /// `gradients` through a right-padded batch (see `PaddedBatch`): padded keys are masked in the
  /// forward pass, so nothing real depends on the padding and its gradients are those of the
  /// rows run alone; activation gradients keep [B,T,...] with the padding included.
  public func gradients(
    _ batch: PaddedBatch, logits selection: LogitPositions = .last, sites: Set<HookSite> = [],
    parameterGradients: ParameterStore? = nil, objective: Objective
  ) throws -> GradientResult {
    try gradients(.tokens(batch.tokens), lengths: batch.lengths, logits: selection, sites: sites,
                  parameterGradients: parameterGradients, objective: objective)
  }

  func gradients(
    _ start: PassStart, lengths: [Int]?, logits selection: LogitPositions, sites: Set<HookSite>,
    parameterGradients: ParameterStore?, objective: Objective
  ) throws -> GradientResult {
    let (logits, ws, positions) = try forward(start, lengths: lengths, logits: selection, keepsAllLayers: true)
    if let l = ws.attentionInputHooked.firstIndex(of: true) {
      throw EngineError.unsupportedHooks("gradients through per-head attention inputs (hooked at layer \(l)) are not computed")
    }
    let (value, dlogits) = try objective(logits)
    guard dlogits.shape == logits.shape, dlogits.values.count == logits.values.count else {
      throw EngineError.invalidConfig("objective gradient has shape \(dlogits.shape), logits have \(logits.shape)")
    }
    let recorder = GradientRecorder(wanted: sites, config: config, B: ws.B, T: ws.T)
    if sites.contains(HookSite(.unembedOut)) { recorder.cache[HookSite(.unembedOut)] = dlogits }
    var gateGradient = headGates.map { Tensor(shape: $0.shape) }
    dlogits.values.withUnsafeBufferPointer { d in
      backward(ws, dlogits: d.baseAddress!, positions: positions, grads: parameterGradients,
               recorder: recorder, gateGradient: &gateGradient)
    }
    return GradientResult(value: value, logits: logits, activationGradients: recorder.cache, headGateGradient: gateGradient)
  }

  /// Reverse pass over the activations left in `ws`. Each step undoes one forward step.
  func backward(
    _ ws: Workspace, dlogits: UnsafePointer<Float>, positions: RowPositions, grads: ParameterStore?,
    recorder: GradientRecorder, gateGradient: inout Tensor?
  ) {
    let B = ws.B, T = ws.T, N = B * T, P = positions.P
    let C = config.modelDim, NH = config.heads, HS = config.headDim, M = config.mlpDim, V = config.vocabularySize
    let p = parameters
    // Parameter gradients are skipped entirely when the caller wants none (g nil).
    let g = grads

    let buffers = BackwardBuffers(N: N, C: C, M: M, attention: B * NH * T * T)
    let dresid = buffers.resid, dln = buffers.ln, dz = buffers.z, dqkv = buffers.qkv
    let dmlpPost = buffers.mlpPost, dmlpPre = buffers.mlpPre, dscale = buffers.scale

    // Unembedding: logits[b,i] = finalOut[b, positions[i]] · W_Uᵀ.
    let unembedding = config.tiedEmbeddings ? TokenOrUnembedding.token : .unembedding
    let wU = p.pointer(unembedding.name), dwU = g?.pointer(unembedding.name)
    let dfinal = buffers.final
    if positions.isEveryPosition {
      unembedBackward(dinput: dfinal, dunembedding: dwU, dlogits: dlogits, input: ws.finalOut, unembedding: wU, R: N, C: C, V: V)
    } else {
      let rows = ws.finalRows(at: positions, C: C)  // finalOut gathered at positions [B,P,C]
      var drows = [Float](repeating: 0, count: B * P * C)
      rows.withUnsafeBufferPointer { r in
        drows.withUnsafeMutableBufferPointer { dr in
          unembedBackward(dinput: dr.baseAddress!, dunembedding: dwU, dlogits: dlogits, input: r.baseAddress!, unembedding: wU, R: B * P, C: C, V: V)
          for b in 0..<B {
            for (i, t) in positions.rows[b].enumerated() {
              let dst = dfinal + (b * T + t) * C
              residualForward(out: dst, dst, dr.baseAddress! + (b * P + i) * C, N: C)
            }
          }
        }
      }
    }
    recorder.record(HookSite(.unembedIn), dfinal)
    recorder.recordTimesWeight(HookSite(.finalNormalized), dfinal, p.pointer(.finalNormWeight))
    layerNormBackward(dinp: dresid, dweight: g?.pointer(.finalNormWeight), dbias: g?.pointer(.finalNormBias),
                      dout: dfinal, input: ws.resid[config.layers], weight: p.pointer(.finalNormWeight),
                      mean: ws.finalMean, scale: ws.finalScale, N: N, C: C, dscale: dscale)
    recorder.record(HookSite(.finalScale), dscale)

    for l in stride(from: config.layers - 1, through: ws.firstLayer, by: -1) {
      let a = ws.blocks[l]
      func w(_ name: BlockParameter) -> UnsafeMutablePointer<Float> { p.pointer(.block(l, name)) }
      func dw(_ name: BlockParameter) -> UnsafeMutablePointer<Float>? { g?.pointer(.block(l, name)) }
      recorder.record(.block(l, .residPost), dresid)

      // resid_post = resid_mid + mlp_out: dmlp_out = dresid.
      recorder.record(.block(l, .mlpOut), dresid)
      dmlpPost.update(repeating: 0, count: N * M)
      linearBackward(dinp: dmlpPost, dweight: dw(.mlpOutWeight), dbias: dw(.mlpOutBias),
                     dout: dresid, input: a.mlpPost, weight: w(.mlpOutWeight), N: N, IC: M, OC: C)
      recorder.record(.block(l, .mlpPost), dmlpPost)
      activationBackward(config.activation, dinp: dmlpPre, input: a.mlpPre, dout: dmlpPost, N: N * M)
      recorder.record(.block(l, .mlpPre), dmlpPre)
      dln.update(repeating: 0, count: N * C)
      linearBackward(dinp: dln, dweight: dw(.mlpInWeight), dbias: dw(.mlpInBias),
                     dout: dmlpPre, input: a.ln2Out, weight: w(.mlpInWeight), N: N, IC: C, OC: M)
      recorder.recordTimesWeight(.block(l, .ln2Normalized), dln, w(.ln2Weight))
      let ln2Input = ws.mlpInHooked[l] ? a.mlpIn : a.residMid
      recorder.recordMLPInput(layer: l, dout: dln, input: ln2Input, weight: w(.ln2Weight), mean: a.ln2Mean, scale: a.ln2Scale)
      layerNormBackward(dinp: dresid, dweight: dw(.ln2Weight), dbias: dw(.ln2Bias), dout: dln, input: ln2Input,
                        weight: w(.ln2Weight), mean: a.ln2Mean, scale: a.ln2Scale, N: N, C: C, dscale: dscale)
      recorder.record(.block(l, .ln2Scale), dscale)
      recorder.record(.block(l, .residMid), dresid)

      // resid_mid = resid_pre + attn_out: dattn_out = dresid; attn_out = Σ_h result_h + b_O.
      recorder.record(.block(l, .attnOut), dresid)
      recorder.recordBroadcastOverHeads(.block(l, .result), dresid)
      dz.update(repeating: 0, count: N * C)
      linearBackward(dinp: dz, dweight: dw(.attnOutWeight), dbias: dw(.attnOutBias),
                     dout: dresid, input: a.z, weight: w(.attnOutWeight), N: N, IC: C, OC: C)
      if let gates = headGates {
        // In the forward pass this was: z_gated = z · gate[l,h] (gate[b,l,h] for row-wise gates).
        for n in 0..<N {
          let row = gateRow(n / T, layer: l)
          for h in 0..<NH {
            let zh = a.zUngated + (n * NH + h) * HS, dzh = dz + (n * NH + h) * HS
            gateGradient!.values[row * NH + h] += vdot(zh, dzh, count: HS)
            let gate = gates.values[row * NH + h]
            for d in 0..<HS { dzh[d] *= gate }
          }
        }
      }
      recorder.record(.block(l, .z), dz)
      attentionBackward(dqkv: dqkv, dpattern: buffers.pattern, dscores: buffers.scores, dz: dz,
                        pattern: a.pattern, qkv: a.qkv, B: B, T: T, NH: NH, HS: HS)
      recorder.record(.block(l, .pattern), buffers.pattern)
      recorder.record(.block(l, .attnScores), buffers.scores)
      recorder.recordRows(.block(l, .q), dqkv, rowLength: C, stride: 3 * C)
      recorder.recordRows(.block(l, .k), dqkv + C, rowLength: C, stride: 3 * C)
      recorder.recordRows(.block(l, .v), dqkv + 2 * C, rowLength: C, stride: 3 * C)
      recorder.recordPerHeadInputs(layer: l, dqkv: dqkv, qkvWeight: w(.qkvWeight), ln1Weight: w(.ln1Weight),
                                   residual: ws.resid[l], mean: a.ln1Mean, scale: a.ln1Scale)
      dln.update(repeating: 0, count: N * C)
      linearBackward(dinp: dln, dweight: dw(.qkvWeight), dbias: dw(.qkvBias),
                     dout: dqkv, input: a.ln1Out, weight: w(.qkvWeight), N: N, IC: C, OC: 3 * C)
      recorder.recordTimesWeight(.block(l, .ln1Normalized), dln, w(.ln1Weight))
      layerNormBackward(dinp: dresid, dweight: dw(.ln1Weight), dbias: dw(.ln1Bias), dout: dln, input: ws.resid[l],
                        weight: w(.ln1Weight), mean: a.ln1Mean, scale: a.ln1Scale, N: N, C: C, dscale: dscale)
      recorder.record(.block(l, .ln1Scale), dscale)
      recorder.record(.block(l, .residPre), dresid)
    }

    // resid_pre[0] = embed + pos_embed (a pass started at a later block has no embedding).
    guard ws.firstLayer == 0 else { return }
    recorder.record(HookSite(.embed), dresid)
    recorder.record(HookSite(.posEmbed), dresid)
    if let g {
      embeddingBackward(dwte: g.pointer(.tokenEmbedding), dwpe: g.pointer(.positionEmbedding),
                        dembed: dresid, dposition: dresid, tokens: ws.tokens, B: B, T: T, C: C)
    }
  }
}

private enum TokenOrUnembedding {
  case token, unembedding
  var name: ParameterName { self == .token ? .tokenEmbedding : .unembedding }
}

/// Scratch gradient buffers for one backward pass, shared by all layers.
final class BackwardBuffers {
  let resid, ln, z, final: UnsafeMutablePointer<Float>  // [N,C]
  let qkv: UnsafeMutablePointer<Float>                  // [N,3C]
  let mlpPre, mlpPost: UnsafeMutablePointer<Float>      // [N,M]
  let pattern, scores: UnsafeMutablePointer<Float>      // [B,NH,T,T]
  let scale: UnsafeMutablePointer<Float>                // [N]
  private var all: [UnsafeMutablePointer<Float>] = []

  init(N: Int, C: Int, M: Int, attention: Int) {
    var all: [UnsafeMutablePointer<Float>] = []
    func make(_ count: Int) -> UnsafeMutablePointer<Float> {
      let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
      p.initialize(repeating: 0, count: max(1, count))
      all.append(p)
      return p
    }
    resid = make(N * C); ln = make(N * C); z = make(N * C); final = make(N * C)
    qkv = make(N * 3 * C); mlpPre = make(N * M); mlpPost = make(N * M)
    pattern = make(attention); scores = make(attention); scale = make(N)
    self.all = all
  }

  deinit { for p in all { p.deallocate() } }
}

/// Copies gradients at the requested hook sites into an `ActivationCache`.
final class GradientRecorder {
  let wanted: Set<HookSite>
  let config: ModelConfig
  let B: Int, T: Int
  var cache = ActivationCache()

  init(wanted: Set<HookSite>, config: ModelConfig, B: Int, T: Int) {
    self.wanted = wanted
    self.config = config
    self.B = B
    self.T = T
  }

  func record(_ site: HookSite, _ buffer: UnsafePointer<Float>) {
    guard wanted.contains(site) else { return }
    cache[site] = Tensor(shape: site.shape(batch: B, positions: T, config: config), copying: buffer)
  }

  /// ∂/∂(normalized) for a LayerNorm whose affine output has gradient `dout`: dout ⊙ weight.
  func recordTimesWeight(_ site: HookSite, _ dout: UnsafePointer<Float>, _ weight: UnsafePointer<Float>) {
    guard wanted.contains(site) else { return }
    var t = Tensor(shape: site.shape(batch: B, positions: T, config: config), copying: dout)
    let C = config.modelDim
    for i in t.values.indices { t.values[i] *= weight[i % C] }
    cache[site] = t
  }

  func recordRows(_ site: HookSite, _ base: UnsafePointer<Float>, rowLength: Int, stride: Int) {
    guard wanted.contains(site) else { return }
    var t = Tensor(shape: site.shape(batch: B, positions: T, config: config))
    t.values.withUnsafeMutableBufferPointer { out in
      for r in 0..<(B * T) { (out.baseAddress! + r * rowLength).update(from: base + r * stride, count: rowLength) }
    }
    cache[site] = t
  }

  /// hook_result [B,T,NH,C]: every head's result receives the full ∂/∂attn_out.
  func recordBroadcastOverHeads(_ site: HookSite, _ dout: UnsafePointer<Float>) {
    guard wanted.contains(site) else { return }
    let C = config.modelDim, NH = config.heads
    var t = Tensor(shape: site.shape(batch: B, positions: T, config: config))
    t.values.withUnsafeMutableBufferPointer { out in
      for n in 0..<(B * T) { for h in 0..<NH { (out.baseAddress! + (n * NH + h) * C).update(from: dout + n * C, count: C) } }
    }
    cache[site] = t
  }
}
