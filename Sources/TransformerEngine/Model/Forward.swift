// The forward pass with TransformerLens hook sites.
// Legend: B batch, T positions, C d_model, NH heads, HS head size, M MLP width, L layers, V vocab.

/// Where a forward pass starts: token ids (through the embedding), or a residual stream
/// [B,T,C] at block `layer`'s input (`blocks.{layer}.hook_resid_pre`).
enum PassStart {
  case tokens([[Int]])
  case residual(layer: Int, Tensor)
}

extension TransformerModel {
  /// Logits [B, P, V] at the selected positions for a batch of equal-length token rows.
  public func forward(_ tokens: [[Int]], logits selection: LogitPositions = .last) throws -> Tensor {
    try forward(.tokens(tokens), lengths: nil, logits: selection, keepsAllLayers: false).logits
  }

  /// Logits [B, P, V] for prompts of different lengths run as one right-padded batch (see
  /// `PaddedBatch`); `.last` reads each row's last real token.
  public func forward(_ batch: PaddedBatch, logits selection: LogitPositions = .last) throws -> Tensor {
    try forward(.tokens(batch.tokens), lengths: batch.lengths, logits: selection, keepsAllLayers: false).logits
  }

  /// Logits [B, P, V] from a residual stream `residual` [B,T,C] given at block `layer`'s input
  /// (what `blocks.{layer}.hook_resid_pre` holds): runs blocks `layer`..L-1, `ln_final` and the
  /// unembedding, with every active hook of those blocks firing as usual (the embedding hooks
  /// and earlier blocks' hooks do not). `layer == L` runs only `ln_final` and the unembedding.
  /// Feeding a cached `resid_pre` of a normal pass reproduces its logits bit for bit, so a sweep
  /// that patches block l reuses the run up to block l. `lengths` marks a right-padded batch
  /// (each row's real length, as `PaddedBatch.lengths`).
  public func forward(
    fromLayer layer: Int, residual: Tensor, lengths: [Int]? = nil, logits selection: LogitPositions = .last
  ) throws -> Tensor {
    try forward(.residual(layer: layer, residual), lengths: lengths, logits: selection, keepsAllLayers: false).logits
  }

  /// The forward pass leaving its activations in the returned workspace (all layers kept when
  /// the backward pass will follow).
  func forward(
    _ start: PassStart, lengths: [Int]?, logits selection: LogitPositions, keepsAllLayers: Bool
  ) throws -> (logits: Tensor, workspace: Workspace, positions: RowPositions) {
    let (B, T) = try validate(start)
    if let lengths { try validate(lengths: lengths, B: B, T: T) }
    try validateHeadGates(B: B)
    let positions = RowPositions(try selection.resolve(B: B, T: T, lengths: lengths), T: T)
    let ws = workspace(B: B, T: T, keepsAllLayers: keepsAllLayers)
    ws.lengths = lengths
    switch start {
    case .tokens(let tokens):
      try embed(ws, tokens: tokens)
      try runBlocks(ws, from: 0)
    case .residual(let layer, let residual):
      residual.values.withUnsafeBufferPointer { ws.resid[layer].update(from: $0.baseAddress!, count: $0.count) }
      try runBlocks(ws, from: layer)
    }
    return (try hookedLogits(ws, positions: positions), ws, positions)
  }

  /// The unembedding at `positions`, then the `unembed.hook_out` hooks.
  func hookedLogits(_ ws: Workspace, positions: RowPositions) throws -> Tensor {
    var logits = unembed(ws, positions: positions)
    if let hooks = hookRegistry.hooks(at: HookSite(.unembedOut)) {
      // The logits as computed: [B, P, V] at the selected positions ([B, T, V] with `.all`).
      let shape = logits.shape
      for hook in hooks {
        try hook.body(&logits, HookSite(.unembedOut))
        try logits.check(shape: shape, hook: "unembed.hook_out")
      }
    }
    return logits
  }

  /// Runs the forward pass recording activations. `sites == nil` records every site except the
  /// opt-in ones (`hook_result`, `hook_attn_in`, `hook_q/k/v_input`, `hook_mlp_in`); name sites
  /// explicitly to include them. `unembed.hook_out` records the logits at the selected positions.
  public func runWithCache(
    _ tokens: [[Int]], sites: Set<HookSite>? = nil, logits selection: LogitPositions = .last
  ) throws -> (logits: Tensor, cache: ActivationCache) {
    try runWithCache(.tokens(tokens), lengths: nil, sites: sites, logits: selection)
  }

  /// `runWithCache` on a right-padded batch; the cached tensors keep [B,T,...] with the padding
  /// (see `PaddedBatch` for what padded positions hold).
  public func runWithCache(
    _ batch: PaddedBatch, sites: Set<HookSite>? = nil, logits selection: LogitPositions = .last
  ) throws -> (logits: Tensor, cache: ActivationCache) {
    try runWithCache(.tokens(batch.tokens), lengths: batch.lengths, sites: sites, logits: selection)
  }

  func runWithCache(
    _ start: PassStart, lengths: [Int]?, sites: Set<HookSite>?, logits selection: LogitPositions
  ) throws -> (logits: Tensor, cache: ActivationCache) {
    let wanted = sites ?? Set(HookSite.allSites(layers: config.layers).filter { !$0.point.isOptIn })
    let box = CacheBox()
    let hooks = wanted.map { site in Hook.reading(site) { tensor, site in box.store(site, tensor) } }
    let logits = try withHooks(hooks) {
      try forward(start, lengths: lengths, logits: selection, keepsAllLayers: false).logits
    }
    return (logits, box.cache)
  }

  /// Token and position embeddings into `ws.resid[0]`.
  func embed(_ ws: Workspace, tokens: [[Int]]) throws {
    let B = ws.B, T = ws.T, C = config.modelDim
    let p = parameters
    for b in 0..<B { for t in 0..<T { ws.tokens[b * T + t] = Int32(tokens[b][t]) } }
    let visitor = HookVisitor(registry: hookRegistry, config: config, B: B, T: T)
    embeddingForward(embed: ws.embed, position: ws.posEmbed, tokens: ws.tokens,
                     wte: p.pointer(.tokenEmbedding), wpe: p.pointer(.positionEmbedding), B: B, T: T, C: C)
    try visitor.visit(HookSite(.embed), ws.embed)
    try visitor.visit(HookSite(.posEmbed), ws.posEmbed)
    residualForward(out: ws.resid[0], ws.embed, ws.posEmbed, N: B * T * C)
  }

  /// Blocks `first`..L-1 from `ws.resid[first]`, then the final LayerNorm, leaving `ws.finalOut`
  /// filled. The cancellation check runs before every block.
  func runBlocks(_ ws: Workspace, from first: Int) throws {
    let B = ws.B, T = ws.T, N = B * T
    let C = config.modelDim, NH = config.heads, HS = config.headDim, M = config.mlpDim
    let p = parameters
    let visitor = HookVisitor(registry: hookRegistry, config: config, B: B, T: T,
                              keys: ws.prefixPositions == nil ? nil : ws.keyPositions)
    ws.firstLayer = first

    for l in first..<config.layers {
      if let isCancelled = cancellationCheck, isCancelled() { throw EngineError.cancelled }
      let a = ws.blocks[l]
      let x = ws.resid[l]
      func w(_ name: BlockParameter) -> UnsafeMutablePointer<Float> { p.pointer(.block(l, name)) }
      try visitor.visit(.block(l, .residPre), x)

      // Attention sub-block.
      ws.attentionInputHooked[l] = HookSite.Point.attentionInputs.contains { visitor.isHooked(.block(l, $0)) }
      if ws.attentionInputHooked[l] {
        try projectPerHeadInputs(a, residual: x, layer: l, visitor: visitor, N: N)
      } else {
        layerNormStatistics(mean: a.ln1Mean, scale: a.ln1Scale, input: x, N: N, C: C, epsilon: config.normEpsilon)
        try visitor.visit(.block(l, .ln1Scale), a.ln1Scale)
        layerNormNormalize(out: a.ln1Out, input: x, mean: a.ln1Mean, scale: a.ln1Scale, N: N, C: C)
        try visitor.visit(.block(l, .ln1Normalized), a.ln1Out)
        layerNormAffine(a.ln1Out, weight: w(.ln1Weight), bias: w(.ln1Bias), N: N, C: C)
        linearForward(out: a.qkv, input: a.ln1Out, weight: w(.qkvWeight), bias: w(.qkvBias), N: N, IC: C, OC: 3 * C)
      }
      try visitor.visitRows(.block(l, .q), a.qkv, rowLength: C, stride: 3 * C)
      try visitor.visitRows(.block(l, .k), a.qkv + C, rowLength: C, stride: 3 * C)
      try visitor.visitRows(.block(l, .v), a.qkv + 2 * C, rowLength: C, stride: 3 * C)
      if let prefix = ws.prefix {
        try attendWithPrefix(ws, a, layer: l, prefix: prefix, visitor: visitor)
      } else {
        attentionScoresForward(scores: a.scores, qkv: a.qkv, B: B, T: T, NH: NH, HS: HS)
        if let lengths = ws.lengths { maskPaddedKeys(scores: a.scores, lengths: lengths, NH: NH, T: T) }
        try visitor.visit(.block(l, .attnScores), a.scores)
        attentionSoftmaxForward(pattern: a.pattern, scores: a.scores, rows: B * NH * T, T: T)
        try visitor.visit(.block(l, .pattern), a.pattern)
        attentionValuesForward(z: a.z, pattern: a.pattern, qkv: a.qkv, B: B, T: T, NH: NH, HS: HS)
      }
      try visitor.visit(.block(l, .z), a.z)
      if let gates = headGates {
        // Causal head gating: each head's z is scaled by its gate before the output projection.
        a.zUngated.update(from: a.z, count: N * C)
        for b in 0..<B {
          applyHeadGates(z: a.z + b * T * C, gates: gates.values, layer: gateRow(b, layer: l), N: T, NH: NH, HS: HS)
        }
      }
      if visitor.isHooked(.block(l, .result)) {
        // Per-head writes are only materialised when asked for ([B,T,NH,C] is NH times the output).
        var result = [Float](repeating: 0, count: N * NH * C)
        try result.withUnsafeMutableBufferPointer { r in
          attentionResultForward(result: r.baseAddress!, z: a.z, weight: w(.attnOutWeight), B: B, T: T, NH: NH, HS: HS)
          try visitor.visit(.block(l, .result), r.baseAddress!)
          attentionResultSum(out: a.attnOut, result: r.baseAddress!, bias: w(.attnOutBias), N: N, NH: NH, C: C)
        }
      } else {
        linearForward(out: a.attnOut, input: a.z, weight: w(.attnOutWeight), bias: w(.attnOutBias), N: N, IC: C, OC: C)
      }
      try visitor.visit(.block(l, .attnOut), a.attnOut)
      residualForward(out: a.residMid, x, a.attnOut, N: N * C)
      try visitor.visit(.block(l, .residMid), a.residMid)

      // MLP sub-block. hook_mlp_in (opt-in) is a copy of resid_mid that only ln2 reads.
      ws.mlpInHooked[l] = visitor.isHooked(.block(l, .mlpIn))
      let mlpIn = ws.mlpInHooked[l] ? a.mlpIn : a.residMid
      if ws.mlpInHooked[l] {
        a.mlpIn.update(from: a.residMid, count: N * C)
        try visitor.visit(.block(l, .mlpIn), a.mlpIn)
      }
      layerNormStatistics(mean: a.ln2Mean, scale: a.ln2Scale, input: mlpIn, N: N, C: C, epsilon: config.normEpsilon)
      try visitor.visit(.block(l, .ln2Scale), a.ln2Scale)
      layerNormNormalize(out: a.ln2Out, input: mlpIn, mean: a.ln2Mean, scale: a.ln2Scale, N: N, C: C)
      try visitor.visit(.block(l, .ln2Normalized), a.ln2Out)
      layerNormAffine(a.ln2Out, weight: w(.ln2Weight), bias: w(.ln2Bias), N: N, C: C)
      linearForward(out: a.mlpPre, input: a.ln2Out, weight: w(.mlpInWeight), bias: w(.mlpInBias), N: N, IC: C, OC: M)
      try visitor.visit(.block(l, .mlpPre), a.mlpPre)
      activationForward(config.activation, out: a.mlpPost, input: a.mlpPre, N: N * M)
      try visitor.visit(.block(l, .mlpPost), a.mlpPost)
      linearForward(out: a.mlpOut, input: a.mlpPost, weight: w(.mlpOutWeight), bias: w(.mlpOutBias), N: N, IC: M, OC: C)
      try visitor.visit(.block(l, .mlpOut), a.mlpOut)
      residualForward(out: ws.resid[l + 1], a.residMid, a.mlpOut, N: N * C)
      try visitor.visit(.block(l, .residPost), ws.resid[l + 1])
    }

    let last = ws.resid[config.layers]
    layerNormStatistics(mean: ws.finalMean, scale: ws.finalScale, input: last, N: N, C: C, epsilon: config.normEpsilon)
    try visitor.visit(HookSite(.finalScale), ws.finalScale)
    layerNormNormalize(out: ws.finalOut, input: last, mean: ws.finalMean, scale: ws.finalScale, N: N, C: C)
    try visitor.visit(HookSite(.finalNormalized), ws.finalOut)
    layerNormAffine(ws.finalOut, weight: p.pointer(.finalNormWeight), bias: p.pointer(.finalNormBias), N: N, C: C)
    try visitor.visit(HookSite(.unembedIn), ws.finalOut)
  }

  /// Logits [B, P, V] from `ws.finalOut` at each row's positions.
  func unembed(_ ws: Workspace, positions: RowPositions) -> Tensor {
    let B = ws.B, T = ws.T, C = config.modelDim, V = config.vocabularySize, P = positions.P
    // No positions (`.positions([])`): a caller reading `unembed.hook_in` itself, e.g. one
    // direction of the logits, skips reading the whole unembedding.
    if P == 0 { return Tensor(shape: [B, 0, V]) }
    let unembedding = parameters.pointer(config.tiedEmbeddings ? .tokenEmbedding : .unembedding)
    var logits = Tensor(shape: [B, P, V])
    logits.values.withUnsafeMutableBufferPointer { out in
      if positions.isEveryPosition {
        unembedForward(logits: out.baseAddress!, input: ws.finalOut, unembedding: unembedding, R: B * T, C: C, V: V)
        return
      }
      let rows = ws.finalRows(at: positions, C: C)  // [B,P,C]
      rows.withUnsafeBufferPointer { r in
        unembedForward(logits: out.baseAddress!, input: r.baseAddress!, unembedding: unembedding, R: B * P, C: C, V: V)
      }
    }
    return logits
  }
}

/// Collects activations from reading hooks.
final class CacheBox: @unchecked Sendable {
  var cache = ActivationCache()
  func store(_ site: HookSite, _ tensor: Tensor) { cache[site] = tensor }
}
