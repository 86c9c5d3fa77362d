// Token and learned position embeddings.
// Legend: B batch, T positions, C d_model, V vocab, P n_positions.

/// embed[B,T,C] = wte[tokens[b,t]]; position[B,T,C] = wpe[t].
public func embeddingForward(
  embed: UnsafeMutablePointer<Float>, position: UnsafeMutablePointer<Float>,
  tokens: UnsafePointer<Int32>,  // [B,T]
  wte: UnsafePointer<Float>,     // [V,C]
  wpe: UnsafePointer<Float>,     // [P,C]
  B: Int, T: Int, C: Int
) {
  for b in 0..<B {
    for t in 0..<T {
      let row = (b * T + t) * C
      (embed + row).update(from: wte + Int(tokens[b * T + t]) * C, count: C)
      (position + row).update(from: wpe + t * C, count: C)
    }
  }
}

/// dwte[V,C] += Σ dembed at each token's row; dwpe[P,C] += Σ_b dposition[b,t].
/// In the forward pass this was: embed[b,t] = wte[token[b,t]], position[b,t] = wpe[t].
public func embeddingBackward(
  dwte: UnsafeMutablePointer<Float>, dwpe: UnsafeMutablePointer<Float>,
  dembed: UnsafePointer<Float>, dposition: UnsafePointer<Float>,  // [B,T,C]
  tokens: UnsafePointer<Int32>, B: Int, T: Int, C: Int
) {
  for b in 0..<B {
    for t in 0..<T {
      let row = (b * T + t) * C
      let dw = dwte + Int(tokens[b * T + t]) * C
      residualForward(out: dw, dw, dembed + row, N: C)
      residualForward(out: dwpe + t * C, dwpe + t * C, dposition + row, N: C)
    }
  }
}
