import Foundation
import TransformerEngine

/// Causal head gating's loss for K restarts stacked on the batch axis (Nam et al. 2025, arXiv
/// 2505.13737; the sign convention of the official code, papers.md section 1):
///   loss_k = NLL_k − λ · mean_{l,h} clamp(θ_k, −c, c),
/// NLL_k = −mean over restart k's rows of log p(answer | prompt) at the last position. λ > 0 pushes
/// θ up (gates kept), λ < 0 down (gates removed).
///
/// Contrastive CHG (the official `ContrastiveCHGTrainer`) adds, for negative rows paired with the
/// positive ones row by row (row b of each),
///   + mean_b clamp(logp_neg,b − stopgrad(logp_pos,b), min: −maxDifference),
/// which lowers the negative answers' log-probability until it sits maxDifference below the
/// positive one's, then stops pulling.
enum GateObjective {
  /// The negative rows of contrastive CHG, paired with the positive rows by index.
  struct Negative {
    var tokens: [[Int]]
    var answers: [Int]
    var maxDifference: Double
  }

  /// One forward and backward pass with restart k's gates σ(θ_k) on rows k·B..<(k+1)·B (and, for
  /// contrastive CHG, on the negative rows K·B + k·B..<K·B + (k+1)·B of the same pass); returns each
  /// restart's loss and ∂loss_k/∂θ_k [L·NH] (the chain rule ∂loss/∂G · G(1 − G) plus the
  /// regulariser's −λ/(L·NH) where |θ| ≤ c, 0 outside: clamp's gradient).
  static func lossAndGradient(
    model: TransformerModel, tokens: [[Int]], answers: [Int], theta: [[Double]], lambda: Double, clamp: Double, negative: Negative? = nil
  ) throws -> (loss: [Double], nll: [Double], gradient: [[Double]]) {
    let K = theta.count, B = tokens.count
    let L = model.config.layers, NH = model.config.heads, LH = L * NH
    if let negative, negative.tokens.count != B {
      throw AnalysisError.invalidArgument("contrastive CHG pairs rows: \(B) positive prompts but \(negative.tokens.count) negative ones")
    }
    let sets = negative == nil ? 1 : 2  // the positive rows, then the negative rows
    var gates = Tensor(shape: [sets * K * B, L, NH])  // [sets·K·B, L, NH]
    for s in 0..<sets {
      for k in 0..<K {
        for b in 0..<B {
          for i in 0..<LH { gates.values[((s * K + k) * B + b) * LH + i] = Float(sigmoid(theta[k][i])) }
        }
      }
    }
    var stacked = Array((0..<K).map { _ in tokens }.joined())  // [K·B][T]
    if let negative { stacked += Array((0..<K).map { _ in negative.tokens }.joined()) }  // + [K·B][T']
    var nll = [Double](repeating: 0, count: K), contrast = [Double](repeating: 0, count: K)
    let result = try model.withHeadGates(gates) {
      try model.gradients(PaddedBatch(stacked), logits: .last) { logits in  // logits [sets·K·B, 1, V]
        let V = logits.shape[2]
        var gradient = Tensor(shape: logits.shape)
        var logps: [[Float]] = []
        for r in 0..<(sets * K * B) {
          let row = Array(logits.values[(r * V)..<((r + 1) * V)])
          guard row.allSatisfy(\.isFinite) else {
            throw AnalysisError.nonFinite("the logits of restart \((r / B) % K), \(r < K * B ? "" : "negative ")prompt \(r % B)")
          }
          logps.append(Metric.logSoftmax(row))
        }
        for r in 0..<(K * B) {
          let answer = answers[r % B]
          nll[r / B] -= Double(logps[r][answer]) / Double(B)
          // ∂(−log p_a)/∂z_v = p_v − 1[v = a], divided by the restart's B rows.
          for v in 0..<V { gradient.values[r * V + v] = (exp(logps[r][v]) - (v == answer ? 1 : 0)) / Float(B) }
        }
        if let negative {
          for r in 0..<(K * B) {
            let n = K * B + r, answer = negative.answers[r % B]
            let difference = Double(logps[n][answer]) - Double(logps[r][answers[r % B]])
            contrast[r / B] += max(difference, -negative.maxDifference) / Double(B)
            // clamp(min) passes the gradient where difference >= min (torch's clamp backward);
            // ∂log p_a/∂z_v = 1[v = a] − p_v; the positive side is detached.
            guard difference >= -negative.maxDifference else { continue }
            for v in 0..<V { gradient.values[n * V + v] = ((v == answer ? 1 : 0) - exp(logps[n][v])) / Float(B) }
          }
        }
        return (Float(zip(nll, contrast).map(+).reduce(0, +)), gradient)
      }
    }
    let dgate = result.headGateGradient!  // [sets·K·B, L, NH]
    var loss = [Double](repeating: 0, count: K)
    var gradient = [[Double]](repeating: [Double](repeating: 0, count: LH), count: K)
    for k in 0..<K {
      let regulariser = theta[k].map { min(max($0, -clamp), clamp) }.reduce(0, +) / Double(LH)
      loss[k] = nll[k] + contrast[k] - lambda * regulariser
      for i in 0..<LH {
        var dG = 0.0
        for s in 0..<sets { for b in 0..<B { dG += Double(dgate.values[((s * K + k) * B + b) * LH + i]) } }
        let G = sigmoid(theta[k][i])
        let inside = abs(theta[k][i]) <= clamp ? 1.0 : 0.0
        gradient[k][i] = dG * G * (1 - G) - lambda * inside / Double(LH)
      }
    }
    return (loss, nll, gradient)
  }

  static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
