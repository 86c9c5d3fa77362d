import Foundation

// MLP nonlinearities. Legend: N elements.

/// √(2/π), the constant of GPT-2's tanh GELU (Hendrycks & Gimpel 2016, `gelu_new` in HF).
let geluTanhScale: Float = 0.7978845608028654

/// out[N] = act(inp[N]).
public func activationForward(
  _ kind: ModelConfig.Activation, out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, N: Int
) {
  switch kind {
  case .geluNew:
    forEachChunk(input, out, count: N) { x in
      let u = geluTanhScale * (x + 0.044715 * x * x * x)
      return 0.5 * x * (1 + vtanh(u))
    }
  case .gelu:
    let invSqrt2 = Float(1 / 2.0.squareRoot())
    for i in 0..<N { out[i] = 0.5 * input[i] * (1 + erf(input[i] * invSqrt2)) }
  case .relu:
    for i in 0..<N { out[i] = max(0, input[i]) }
  }
}

/// dinp[N] = act'(inp) · dout[N] (overwrites).
public func activationBackward(
  _ kind: ModelConfig.Activation, dinp: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  dout: UnsafePointer<Float>, N: Int
) {
  switch kind {
  case .geluNew:
    // d/dx 0.5x(1+tanh u) = 0.5(1+tanh u) + 0.5x(1-tanh²u)·u', u = k(x + 0.044715x³).
    var i = 0
    func derivative(_ x: Float16x) -> Float16x {
      let th = vtanh(geluTanhScale * (x + 0.044715 * x * x * x))
      let du = geluTanhScale * (1 + 3 * 0.044715 * x * x)
      return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * du
    }
    while i + 16 <= N {
      let x = UnsafeRawPointer(input + i).loadUnaligned(as: Float16x.self)
      let g = UnsafeRawPointer(dout + i).loadUnaligned(as: Float16x.self)
      UnsafeMutableRawPointer(dinp + i).storeBytes(of: derivative(x) * g, as: Float16x.self)
      i += 16
    }
    if i < N {
      var x = Float16x(repeating: 0)
      for j in 0..<(N - i) { x[j] = input[i + j] }
      let d = derivative(x)
      for j in 0..<(N - i) { dinp[i + j] = d[j] * dout[i + j] }
    }
  case .gelu:
    let invSqrt2 = Float(1 / 2.0.squareRoot()), invSqrt2Pi = Float(1 / (2 * Double.pi).squareRoot())
    for i in 0..<N {
      let x = input[i]
      dinp[i] = dout[i] * (0.5 * (1 + erf(x * invSqrt2)) + x * invSqrt2Pi * exp(-0.5 * x * x))
    }
  case .relu:
    for i in 0..<N { dinp[i] = input[i] > 0 ? dout[i] : 0 }
  }
}
