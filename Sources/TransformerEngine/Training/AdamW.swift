import Foundation

/// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019), with
/// PyTorch's `torch.optim.AdamW` arithmetic so a step matches it to float rounding:
///   p ← p·(1 - lr·wd);  m ← β1·m + (1-β1)·g;  v ← β2·v + (1-β2)·g²;
///   p ← p - (lr / (1-β1ᵗ)) · m / (√v / √(1-β2ᵗ) + ε).
/// Weight decay applies to matrices and embeddings (rank-2 tensors) only, not to biases or
/// LayerNorm parameters (the nanoGPT convention).
public final class AdamW {
  public struct Settings: Codable, Equatable, Sendable {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.98
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0.05
    public init() {}
  }

  public let settings: Settings
  /// First and second moment estimates, laid out like the parameters.
  public let m: ParameterStore
  public let v: ParameterStore
  /// Updates taken so far (t in the bias corrections).
  public internal(set) var step: Int = 0

  public init(layout: ParameterLayout, settings: Settings) {
    self.settings = settings
    m = ParameterStore(layout: layout)
    v = ParameterStore(layout: layout)
  }

  /// Restores moments and step count (from a checkpoint).
  public func restore(m: ParameterStore, v: ParameterStore, step: Int) {
    self.m.copy(from: m)
    self.v.copy(from: v)
    self.step = step
  }

  /// One update of `parameters` with `gradients` at learning rate `lr`.
  public func update(_ parameters: ParameterStore, gradients: ParameterStore, learningRate lr: Float) {
    step += 1
    let s = settings
    let correction1 = 1 - Float(pow(Double(s.beta1), Double(step)))
    let correction2Root = Float(sqrt(1 - pow(Double(s.beta2), Double(step))))
    let stepSize = lr / correction1
    for entry in parameters.layout.entries {
      let p = parameters.base + entry.offset, g = gradients.base + entry.offset
      let m = self.m.base + entry.offset, v = self.v.base + entry.offset
      let decay: Float = entry.shape.count >= 2 ? 1 - lr * s.weightDecay : 1
      for i in 0..<entry.count {
        p[i] *= decay
        m[i] = s.beta1 * m[i] + (1 - s.beta1) * g[i]
        v[i] = s.beta2 * v[i] + (1 - s.beta2) * g[i] * g[i]
        p[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2Root + s.epsilon)
      }
    }
  }
}

/// Global L2 norm of all gradients, and in-place rescaling so it is at most `maxNorm`
/// (PyTorch's `clip_grad_norm_`: scale = maxNorm / (norm + 1e-6) when norm > maxNorm).
public enum GradientClipping {
  @discardableResult
  public static func clip(_ gradients: ParameterStore, maxNorm: Float) -> Float {
    var total: Double = 0
    for entry in gradients.layout.entries {
      let g = gradients.base + entry.offset
      total += Double(vdot(g, g, count: entry.count))
    }
    let norm = Float(total.squareRoot())
    if maxNorm > 0, norm > maxNorm {
      let scale = maxNorm / (norm + 1e-6)
      for entry in gradients.layout.entries {
        let g = gradients.base + entry.offset
        for i in 0..<entry.count { g[i] *= scale }
      }
    }
    return norm
  }
}
