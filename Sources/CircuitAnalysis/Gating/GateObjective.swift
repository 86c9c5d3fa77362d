import Foundation
import TransformerEngine

/// Causal head gating's loss for K restarts stacked on the batch axis (Nam et al. 2025, arXiv
/// 2505.13737; the sign convention of the official code, papers.md section 1):
///   loss_k = NLL_k − λ · mean_{l,h} clamp(θ_k, −c, c),
/// NLL_k = −mean over restart k's rows of log p(answer | prompt) at the last position. λ > 0 pushes
/// θ up (gates kept), λ < 0 down (gates removed).
enum GateObjective {
  /// One forward and backward pass with restart k's gates σ(θ_k) on rows k·B..<(k+1)·B; returns
  /// each restart's loss and ∂loss_k/∂θ_k [L·NH] (the chain rule ∂NLL/∂G · G(1 − G) plus the
  /// regulariser's −λ/(L·NH) where |θ| ≤ c, 0 outside: clamp's gradient).
  static func lossAndGradient(
    model: TransformerModel, tokens: [[Int]], answers: [Int], theta: [[Double]], lambda: Double, clamp: Double
  ) throws -> (loss: [Double], nll: [Double], gradient: [[Double]]) {
    let K = theta.count, B = tokens.count
    let L = model.config.layers, NH = model.config.heads, LH = L * NH
    var gates = Tensor(shape: [K * B, L, NH])  // [K·B, L, NH]
    for k in 0..<K {
      for b in 0..<B {
        for i in 0..<LH { gates.values[(k * B + b) * LH + i] = Float(sigmoid(theta[k][i])) }
      }
    }
    let stacked = Array((0..<K).map { _ in tokens }.joined())  // [K·B][T]
    var nll = [Double](repeating: 0, count: K)
    let result = try model.withHeadGates(gates) {
      try model.gradients(PaddedBatch(stacked), logits: .last) { logits in  // logits [K·B, 1, V]
        let V = logits.shape[2]
        var gradient = Tensor(shape: logits.shape)
        for r in 0..<(K * B) {
          let row = Array(logits.values[(r * V)..<((r + 1) * V)])
          guard row.allSatisfy(\.isFinite) else { throw AnalysisError.nonFinite("the logits of restart \(r / B), prompt \(r % B)") }
          let logp = Metric.logSoftmax(row)
          let answer = answers[r % B]
          nll[r / B] -= Double(logp[answer]) / Double(B)
          // ∂(−log p_a)/∂z_v = p_v − 1[v = a], divided by the restart's B rows.
          for v in 0..<V { gradient.values[r * V + v] = (exp(logp[v]) - (v == answer ? 1 : 0)) / Float(B) }
        }
        return (Float(nll.reduce(0, +)), gradient)
      }
    }
    let dgate = result.headGateGradient!  // [K·B, L, NH]
    var loss = [Double](repeating: 0, count: K)
    var gradient = [[Double]](repeating: [Double](repeating: 0, count: LH), count: K)
    for k in 0..<K {
      let regulariser = theta[k].map { min(max($0, -clamp), clamp) }.reduce(0, +) / Double(LH)
      loss[k] = nll[k] - lambda * regulariser
      for i in 0..<LH {
        var dG = 0.0
        for b in 0..<B { dG += Double(dgate.values[(k * B + b) * LH + i]) }
        let G = sigmoid(theta[k][i])
        let inside = abs(theta[k][i]) <= clamp ? 1.0 : 0.0
        gradient[k][i] = dG * G * (1 - G) - lambda * inside / Double(LH)
      }
    }
    return (loss, nll, gradient)
  }

  static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
