/// Activation buffers for a forward pass over a batch of B prompts of T tokens.
///
/// Residual-stream buffers are kept for every layer (`resid[l]` is block l's input, `resid[L]`
/// the last block's output). The per-block intermediates are kept for every layer only when
/// `keepsAllLayers` (the backward pass needs them); otherwise all blocks share one set, so an
/// inference pass costs little memory beyond the weights.
///
/// A suffix pass (`prefixPositions` = p, not nil) computes T = S positions p..<p+S whose
/// queries attend over K = p+S keys. Its attention runs on all K positions (see
/// `attendWithPrefix`): `prefixedQKV` gathers the prefix's keys and values with the suffix's
/// q | k | v, scores and pattern are [B,NH,K,K], and `prefixedZ` holds z of all K positions.
final class Workspace {
  let B: Int, T: Int
  let keepsAllLayers: Bool
  /// p for a suffix pass (its positions start at p and attend to p prefix keys), nil otherwise.
  let prefixPositions: Int?
  /// K: the key positions each query row of `scores` / `pattern` spans (T, or p+T).
  let keyPositions: Int
  private let config: ModelConfig
  private var storage: [UnsafeMutablePointer<Float>] = []

  struct Block {
    let ln1Mean, ln1Scale: UnsafeMutablePointer<Float>  // [B,T]
    let ln1Out: UnsafeMutablePointer<Float>             // [B,T,C]
    let qkv: UnsafeMutablePointer<Float>                // [B,T,3C]
    let scores, pattern: UnsafeMutablePointer<Float>    // [B,NH,K,K]
    let z: UnsafeMutablePointer<Float>                  // [B,T,NH,HS], after head gates
    let zUngated: UnsafeMutablePointer<Float>           // [B,T,NH,HS], before head gates (only used with gates)
    let attnOut: UnsafeMutablePointer<Float>            // [B,T,C]
    let residMid: UnsafeMutablePointer<Float>           // [B,T,C]
    let mlpIn: UnsafeMutablePointer<Float>              // [B,T,C], ln2's input when hook_mlp_in is hooked
    let ln2Mean, ln2Scale: UnsafeMutablePointer<Float>  // [B,T]
    let ln2Out: UnsafeMutablePointer<Float>             // [B,T,C]
    let mlpPre, mlpPost: UnsafeMutablePointer<Float>    // [B,T,M]
    let mlpOut: UnsafeMutablePointer<Float>             // [B,T,C]
  }

  let tokens: UnsafeMutablePointer<Int32>   // [B,T]
  let embed, posEmbed: UnsafeMutablePointer<Float>  // [B,T,C]
  let resid: [UnsafeMutablePointer<Float>]  // L+1 × [B,T,C]
  let blocks: [Block]                       // L entries (shared storage unless keepsAllLayers)
  let finalMean, finalScale: UnsafeMutablePointer<Float>  // [B,T]
  let finalOut: UnsafeMutablePointer<Float>               // [B,T,C]
  let prefixedQKV: UnsafeMutablePointer<Float>  // [B,K,3C] (suffix passes only)
  let prefixedZ: UnsafeMutablePointer<Float>    // [B,K,C] (suffix passes only)

  /// Per pass: each row's real length in a right-padded batch (nil: no padding).
  var lengths: [Int]?
  /// Per pass (suffix passes only): the keys and values of positions 0..<p.
  var prefix: AttentionPrefix?
  /// Per pass: the first block run (0, or l for a pass started at block l's input).
  var firstLayer = 0
  /// Per pass, per layer: whether ln2 read `blocks[l].mlpIn` (hook_mlp_in was hooked) rather
  /// than `residMid`, and whether ln1 ran per head (an attention-input site was hooked, so the
  /// ln1 buffers were not filled and the backward pass cannot run).
  var mlpInHooked: [Bool]
  var attentionInputHooked: [Bool]

  init(config: ModelConfig, B: Int, T: Int, keepsAllLayers: Bool, prefixPositions: Int? = nil) {
    self.config = config
    self.B = B
    self.T = T
    self.keepsAllLayers = keepsAllLayers
    self.prefixPositions = prefixPositions
    let K = T + (prefixPositions ?? 0)
    keyPositions = K
    mlpInHooked = Array(repeating: false, count: config.layers)
    attentionInputHooked = Array(repeating: false, count: config.layers)
    let C = config.modelDim, NH = config.heads, M = config.mlpDim, N = B * T
    var storage: [UnsafeMutablePointer<Float>] = []
    func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
      let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
      p.initialize(repeating: 0, count: max(count, 1))
      storage.append(p)
      return p
    }
    tokens = .allocate(capacity: N)
    tokens.initialize(repeating: 0, count: N)
    embed = buffer(N * C)
    posEmbed = buffer(N * C)
    resid = (0...config.layers).map { _ in buffer(N * C) }
    func makeBlock() -> Block {
      Block(ln1Mean: buffer(N), ln1Scale: buffer(N), ln1Out: buffer(N * C), qkv: buffer(N * 3 * C),
            scores: buffer(B * NH * K * K), pattern: buffer(B * NH * K * K), z: buffer(N * C), zUngated: buffer(N * C),
            attnOut: buffer(N * C), residMid: buffer(N * C), mlpIn: buffer(N * C), ln2Mean: buffer(N), ln2Scale: buffer(N),
            ln2Out: buffer(N * C), mlpPre: buffer(N * M), mlpPost: buffer(N * M), mlpOut: buffer(N * C))
    }
    if keepsAllLayers {
      blocks = (0..<config.layers).map { _ in makeBlock() }
    } else {
      let shared = makeBlock()
      blocks = Array(repeating: shared, count: config.layers)
    }
    finalMean = buffer(N)
    finalScale = buffer(N)
    finalOut = buffer(N * C)
    prefixedQKV = buffer(prefixPositions == nil ? 0 : B * K * 3 * C)
    prefixedZ = buffer(prefixPositions == nil ? 0 : B * K * C)
    self.storage = storage
  }

  deinit {
    tokens.deallocate()
    for p in storage { p.deallocate() }
  }

  /// finalOut rows at each row's positions, as [B, P, C].
  func finalRows(at positions: RowPositions, C: Int) -> [Float] {
    let P = positions.P
    var rows = [Float](repeating: 0, count: B * P * C)
    rows.withUnsafeMutableBufferPointer { r in
      for b in 0..<B {
        for (i, t) in positions.rows[b].enumerated() {
          (r.baseAddress! + (b * P + i) * C).update(from: finalOut + (b * T + t) * C, count: C)
        }
      }
    }
    return rows
  }
}
