/// Activation buffers for a forward pass over a batch of B prompts of T tokens.
///
/// Residual-stream buffers are kept for every layer (`resid[l]` is block l's input, `resid[L]`
/// the last block's output). The per-block intermediates are kept for every layer only when
/// `keepsAllLayers` (the backward pass needs them); otherwise all blocks share one set, so an
/// inference pass costs little memory beyond the weights.
final class Workspace {
  let B: Int, T: Int
  let keepsAllLayers: Bool
  private let config: ModelConfig
  private var storage: [UnsafeMutablePointer<Float>] = []

  struct Block {
    let ln1Mean, ln1Scale: UnsafeMutablePointer<Float>  // [B,T]
    let ln1Out: UnsafeMutablePointer<Float>             // [B,T,C]
    let qkv: UnsafeMutablePointer<Float>                // [B,T,3C]
    let scores, pattern: UnsafeMutablePointer<Float>    // [B,NH,T,T]
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

  /// Per pass: each row's real length in a right-padded batch (nil: no padding).
  var lengths: [Int]?
  /// Per pass: the first block run (0, or l for a pass started at block l's input).
  var firstLayer = 0
  /// Per pass, per layer: whether ln2 read `blocks[l].mlpIn` (hook_mlp_in was hooked) rather
  /// than `residMid`, and whether ln1 ran per head (an attention-input site was hooked, so the
  /// ln1 buffers were not filled and the backward pass cannot run).
  var mlpInHooked: [Bool]
  var attentionInputHooked: [Bool]

  init(config: ModelConfig, B: Int, T: Int, keepsAllLayers: Bool) {
    self.config = config
    self.B = B
    self.T = T
    self.keepsAllLayers = keepsAllLayers
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
            scores: buffer(B * NH * T * T), pattern: buffer(B * NH * T * T), z: buffer(N * C), zUngated: buffer(N * C),
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
