// The suffix pass: blocks l..L-1 over positions p..<p+S only, reading the keys and values of
// positions 0..<p from a given prefix.
// Legend: B batch, S suffix positions, p prefix positions, K = p+S, C d_model, NH heads,
// HS head size, L layers, V vocab.

extension TransformerModel {
  /// Logits [B, P, V] from the residual stream of the suffix positions p..<p+S at block
  /// `layer`'s input, with the attention keys and values of positions 0..<p given by `prefix`.
  ///
  /// Attention is causal, so a patch at block l and position p leaves every position < p as it
  /// was in every block: a patched run only needs positions p..<T of blocks l..L-1, reading the
  /// unpatched run's keys and values for the positions before p (Heimersheim & Nanda 2024, "How
  /// to use and interpret activation patching", on reusing the unpatched prefix; papers.md
  /// section 4). Fed the rows p..<p+S of a cached `blocks.{layer}.hook_resid_pre` and that run's
  /// prefix (`AttentionPrefix(cache:layers:positions:)`), it reproduces the run's logits at the
  /// suffix positions, bit for bit when S = T - p (see `attendWithPrefix`). Its cost is that of
  /// S positions, except attention, which runs over all p+S positions.
  ///
  /// - `residual` [B, S, C]: `blocks.{layer}.hook_resid_pre` at positions p..<p+S. It already
  ///   holds the position embeddings (they are not added again); the causal mask uses the
  ///   absolute positions p+s.
  /// - `prefix`: keys and values [Bp, p, NH, HS] of every block `layer`..<L, Bp == 1 (broadcast
  ///   to every row) or Bp == B. `layer == L` runs only `ln_final` and the unembedding.
  /// - `logits`: positions index the suffix (0..<S, i.e. absolute position p+i); `.last` is the
  ///   last suffix position; `.perRow` gives one suffix position per row.
  ///
  /// Hooks of blocks `layer`..<L and after fire with the SUFFIX shapes, which are not
  /// TransformerLens's (a hook that patches absolute position t must use index t - p):
  /// - residual-like sites, ln scales, MLP sites, `hook_q` / `hook_k` / `hook_v` / `hook_z` /
  ///   `hook_result`: [B, S, ...] (suffix positions only);
  /// - `attn.hook_attn_scores` and `attn.hook_pattern`: [B, NH, S, p+S]: the S suffix queries
  ///   over all p+S keys (columns 0..<p are the prefix keys, column p+j is suffix position j);
  /// - a hook that replaces `hook_k` / `hook_v` changes the suffix's keys / values only (the
  ///   prefix's are given).
  /// Head gates ([L, NH] or row-wise [B, L, NH]) act as in `forward`; cancellation is polled
  /// before every block. The per-head attention inputs (`hook_attn_in`, `hook_q_input`,
  /// `hook_k_input`, `hook_v_input`) are refused at blocks >= `layer`, and there is no backward
  /// pass through a suffix pass.
  public func forward(
    fromLayer layer: Int, suffix residual: Tensor, offset p: Int, prefix: AttentionPrefix,
    logits selection: LogitPositions = .last
  ) throws -> Tensor {
    let (B, S) = try validateSuffix(layer: layer, residual: residual, offset: p, prefix: prefix)
    try validateHeadGates(B: B)
    let positions = RowPositions(try selection.resolve(B: B, T: S), T: S)
    let ws = workspace(B: B, T: S, keepsAllLayers: false, prefixPositions: p)
    ws.lengths = nil
    ws.prefix = prefix
    defer { ws.prefix = nil }
    residual.values.withUnsafeBufferPointer { ws.resid[layer].update(from: $0.baseAddress!, count: $0.count) }
    try runBlocks(ws, from: layer)
    return try hookedLogits(ws, positions: positions)
  }

  /// Checks a suffix pass's start, offset and prefix; returns its batch size and suffix length.
  func validateSuffix(layer: Int, residual: Tensor, offset p: Int, prefix: AttentionPrefix) throws -> (B: Int, S: Int) {
    let L = config.layers
    guard (0...L).contains(layer) else {
      throw EngineError.invalidConfig("start layer \(layer) is outside 0...\(L)")
    }
    let s = residual.shape
    guard s.count == 3, s[0] >= 1, s[1] >= 1, s[2] == config.modelDim, residual.values.count == s.reduce(1, *) else {
      throw EngineError.invalidConfig("suffix residual stream for blocks.\(layer).hook_resid_pre must be [B, S, \(config.modelDim)], got \(s)")
    }
    guard p >= 0 else { throw EngineError.invalidConfig("suffix offset p = \(p) is negative") }
    guard p + s[1] <= config.contextLength else {
      throw EngineError.invalidConfig("suffix positions \(p)..<\(p + s[1]) (offset p = \(p), S = \(s[1])) run past the model's context of \(config.contextLength) positions")
    }
    guard prefix.positions == p else {
      throw EngineError.invalidConfig("attention prefix holds \(prefix.positions) positions but the suffix starts at offset p = \(p)")
    }
    try prefix.validate(B: s[0], layers: layer..<L, config: config)
    for l in layer..<L {
      for point in HookSite.Point.attentionInputs where hookRegistry.hooks(at: .block(l, point)) != nil {
        throw EngineError.unsupportedHooks(
          "blocks.\(l).\(point.suffix) is not supported in a suffix pass (forward(fromLayer:suffix:offset:prefix:)): the prefix's keys and values are given, not computed per head")
      }
    }
    return (s[0], s[1])
  }

  /// Block l's attention in a suffix pass: the suffix's q | k | v and the prefix's k | v
  /// gathered into `ws.prefixedQKV` [B,K,3C], then the full pass's own kernels over all K
  /// positions, then z of the suffix rows into `a.z` [B,S,NH,HS].
  ///
  /// The queries of the prefix rows are zero and their scores, pattern and z are discarded: they
  /// cost p·K·HS per head, small next to the projections, and in exchange every suffix row goes
  /// through the very same matrix products (same shapes, same row index) as in a full pass. BLAS
  /// kernels round a row differently depending on where it falls in their row blocks, so this
  /// makes the suffix pass agree with the full pass bit for bit rather than to a few ulps.
  /// Hooks see the suffix query rows only: scores and pattern [B,NH,S,K].
  func attendWithPrefix(_ ws: Workspace, _ a: Workspace.Block, layer l: Int, prefix: AttentionPrefix, visitor: HookVisitor) throws {
    let B = ws.B, S = ws.T, p = prefix.positions, K = ws.keyPositions
    let NH = config.heads, HS = config.headDim, C = config.modelDim
    let keys = prefix.keys[l]!, values = prefix.values[l]!  // [Bp,p,NH,HS], checked by validateSuffix
    keys.values.withUnsafeBufferPointer { k in
      values.values.withUnsafeBufferPointer { v in
        gatherPrefixedQKV(ws.prefixedQKV, prefixKeys: k.baseAddress, prefixValues: v.baseAddress,
                          prefixRows: keys.shape[0], qkv: a.qkv, B: B, S: S, p: p, C: C)
      }
    }
    attentionScoresForward(scores: a.scores, qkv: ws.prefixedQKV, B: B, T: K, NH: NH, HS: HS)
    // Query rows p..<K of each [K,K] head block: S*K contiguous floats, K*K apart.
    try visitor.visitRows(.block(l, .attnScores), a.scores + p * K, rowLength: S * K, stride: K * K, rows: B * NH)
    attentionSoftmaxForward(pattern: a.pattern, scores: a.scores, rows: B * NH * K, T: K)
    try visitor.visitRows(.block(l, .pattern), a.pattern + p * K, rowLength: S * K, stride: K * K, rows: B * NH)
    attentionValuesForward(z: ws.prefixedZ, pattern: a.pattern, qkv: ws.prefixedQKV, B: B, T: K, NH: NH, HS: HS)
    scatterSuffixRows(a.z, prefixedZ: ws.prefixedZ, B: B, S: S, p: p, C: C)
  }
}
