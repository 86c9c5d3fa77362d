import TransformerEngine

/// The forward hooks that run one block of prompts through a circuit (see `EdgeAblationPlan`):
/// sender hooks record each sender's deviation from its reference mean (out_s − mean(out_s)) in
/// this same, already modified run; receiver hooks subtract the ablated senders' deviations from
/// the receiver's input. Senders: `hook_embed` + `hook_pos_embed`, each head's
/// `attn.hook_result`, each `hook_mlp_out`. Receivers: each head's `hook_attn_in` (or its
/// `hook_q_input` / `hook_k_input` / `hook_v_input` in a split graph), each `hook_mlp_in`, and
/// the last block's `hook_resid_post` (what ln_final reads) for the logits.
/// Legend: B batch, T positions, N = B*T, C d_model, NH heads.
final class EdgeAblationHooks: @unchecked Sendable {
  let plan: EdgeAblationPlan
  let means: SenderMeans
  let N: Int, C: Int, NH: Int, L: Int
  /// (out_s − mean) of the senders the plan stores.  [N·C] each
  private var deviations: [CircuitNode: [Float]] = [:]
  /// Σ (out_s − mean) over every sender so far, when the plan needs it.  [N·C]
  private var total: [Float]
  /// hook_embed of this run until hook_pos_embed arrives.  [N·C]
  private var tokenEmbedding: [Float] = []

  init(plan: EdgeAblationPlan, means: SenderMeans, config: ModelConfig, B: Int, T: Int) {
    self.plan = plan
    self.means = means
    N = B * T
    C = config.modelDim
    NH = config.heads
    L = config.layers
    total = plan.needsRunningTotal ? [Float](repeating: 0, count: B * T * config.modelDim) : []
  }

  /// The senders whose outputs the run reads, in forward order.
  static func readSenders(_ plan: EdgeAblationPlan, layers L: Int, heads NH: Int) -> [CircuitNode] {
    CircuitGraph.allNodes(layers: L, heads: NH, splitQKV: false).filter { $0.isSender && plan.reads($0) }
  }

  var hooks: [Hook] {
    var hooks: [Hook] = []
    if plan.reads(.embed) {
      hooks.append(Hook.reading(HookSite(.embed)) { [self] t, _ in tokenEmbedding = t.values })
      hooks.append(Hook.reading(HookSite(.posEmbed)) { [self] t, _ in
        sent(.embed) { i in tokenEmbedding[i] + t.values[i] }
      })
    }
    for l in 0..<L {
      let heads = (0..<NH).filter { plan.reads(.head(layer: l, head: $0)) }
      if !heads.isEmpty {
        hooks.append(Hook.reading(.block(l, .result)) { [self] t, _ in  // [B,T,NH,C]
          for h in heads { sent(.head(layer: l, head: h)) { i in t.values[((i / C) * NH + h) * C + i % C] } }
        })
      }
      if plan.reads(.mlp(layer: l)) {
        hooks.append(Hook.reading(.block(l, .mlpOut)) { [self] t, _ in sent(.mlp(layer: l)) { t.values[$0] } })
      }
    }
    for site in receiverSites {
      hooks.append(Hook(site) { [self] t, site in receive(&t, at: site) })
    }
    return hooks
  }

  /// The hook sites of the receivers the plan changes.
  private var receiverSites: [HookSite] {
    Set(plan.receivers.keys.map { EdgeAttribution.inputSite(of: $0, layers: L) }).sorted()
  }

  /// Records sender `node`'s deviation, `output(i) − mean[i]` for i in 0..<N·C.
  private func sent(_ node: CircuitNode, _ output: (Int) -> Float) {
    let mean = means.values[node]!
    var deviation = [Float](repeating: 0, count: N * C)
    for i in 0..<(N * C) { deviation[i] = output(i) - mean[i] }
    if plan.needsRunningTotal { for i in 0..<(N * C) { total[i] += deviation[i] } }
    if plan.storedSenders.contains(node) { deviations[node] = deviation }
  }

  /// Σ over `receiver`'s ablated senders of (out_s − mean).  [N·C]
  private func ablatedSum(_ receiver: CircuitNode) -> [Float] {
    switch plan.receivers[receiver]! {
    case .senders(let senders):
      var sum = [Float](repeating: 0, count: N * C)
      for s in senders { let d = deviations[s]!; for i in sum.indices { sum[i] += d[i] } }
      return sum
    case .allBut(let kept):
      var sum = total
      for s in kept { let d = deviations[s]!; for i in sum.indices { sum[i] -= d[i] } }
      return sum
    }
  }

  private func receive(_ t: inout Tensor, at site: HookSite) {
    let l = site.layer!
    func subtract(_ sum: [Float], head h: Int?) {
      for i in 0..<(N * C) {
        let index = h.map { ((i / C) * NH + $0) * C + i % C } ?? i  // [B,T,NH,C] for a head's input, else [B,T,C]
        t.values[index] -= sum[i]
      }
    }
    switch site.point {
    case .attnIn, .qInput, .kInput, .vInput:
      for h in 0..<NH {
        let node: CircuitNode
        switch site.point {
        case .qInput: node = .headInput(layer: l, head: h, input: .q)
        case .kInput: node = .headInput(layer: l, head: h, input: .k)
        case .vInput: node = .headInput(layer: l, head: h, input: .v)
        default: node = .head(layer: l, head: h)
        }
        if plan.receivers[node] != nil { subtract(ablatedSum(node), head: h) }
      }
    case .mlpIn: subtract(ablatedSum(.mlp(layer: l)), head: nil)
    case .residPost: subtract(ablatedSum(.logits), head: nil)
    default: preconditionFailure("\(site) is not a receiver site")
    }
  }
}
