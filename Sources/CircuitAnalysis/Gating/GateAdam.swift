import Foundation

/// Adam (Kingma & Ba 2015, PyTorch's `torch.optim.Adam` update, no weight decay) on one restart's
/// gate logits θ [L·NH], after clipping the gradient's L2 norm as `torch.nn.utils.clip_grad_norm_`
/// does: g ← g · min(1, maxNorm / (‖g‖ + 1e-6)). Causal head gating (Nam et al. 2025, arXiv
/// 2505.13737) trains θ this way, a fresh optimiser per stage, at the learning rate of each update
/// (`CHGSettings.learningRate(step:of:)`).
struct GateAdam {
  let beta1: Double, beta2: Double, epsilon: Double, clipNorm: Double
  private var m: [Double]  // [L·NH] first moment
  private var v: [Double]  // [L·NH] second moment
  private var step = 0

  init(count: Int, settings: CHGSettings) {
    beta1 = settings.beta1
    beta2 = settings.beta2
    epsilon = settings.epsilon
    clipNorm = settings.clipNorm
    m = Array(repeating: 0, count: count)
    v = Array(repeating: 0, count: count)
  }

  /// The gradient clipped to `clipNorm`, and its norm before clipping.
  static func clipped(_ gradient: [Double], maxNorm: Double) -> (gradient: [Double], norm: Double) {
    let norm = gradient.map { $0 * $0 }.reduce(0, +).squareRoot()
    let coefficient = min(1, maxNorm / (norm + 1e-6))
    return (coefficient < 1 ? gradient.map { $0 * coefficient } : gradient, norm)
  }

  /// One update of θ [L·NH] by its gradient [L·NH] at `learningRate`; returns the gradient's norm
  /// before clipping.
  @discardableResult
  mutating func update(_ theta: inout [Double], gradient raw: [Double], learningRate: Double) -> Double {
    let (g, norm) = Self.clipped(raw, maxNorm: clipNorm)
    step += 1
    let correction1 = 1 - pow(beta1, Double(step)), correction2 = 1 - pow(beta2, Double(step))
    for i in theta.indices {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i]
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
      theta[i] -= learningRate * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + epsilon)
    }
    return norm
  }
}
