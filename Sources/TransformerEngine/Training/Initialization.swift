import Foundation

/// Fresh weights for training from scratch: matrices and token embeddings ~ N(0, std²), biases 0,
/// LayerNorm weights 1, and position embeddings from the sinusoidal table of Vaswani et al.
/// (2017) scaled by `std`, which a small model learns position from faster than from noise.
public enum Initialization {
  public static func initialize(_ model: TransformerModel, std: Float, seed: UInt64) {
    var generator = SplitMix64(seed: seed)
    let store = model.parameters
    for entry in store.layout.entries {
      let p = store.pointer(entry.name)
      switch entry.name {
      case .positionEmbedding:
        let (P, C) = (entry.shape[0], entry.shape[1])
        for t in 0..<P {
          for i in 0..<(C / 2) {
            let angle = Double(t) / pow(10_000, Double(2 * i) / Double(C))
            p[t * C + 2 * i] = std * Float(sin(angle))
            p[t * C + 2 * i + 1] = std * Float(cos(angle))
          }
        }
      case .finalNormWeight, .block(_, .ln1Weight), .block(_, .ln2Weight):
        p.update(repeating: 1, count: entry.count)
      default:
        if entry.shape.count >= 2 {
          for i in 0..<entry.count { p[i] = std * gaussian(&generator) }
        } else {
          p.update(repeating: 0, count: entry.count)
        }
      }
    }
  }

  /// A standard normal sample (Box-Muller).
  static func gaussian(_ generator: inout SplitMix64) -> Float {
    let u1 = max(Double(generator.next() >> 11) / Double(1 << 53), 1e-300)
    let u2 = Double(generator.next() >> 11) / Double(1 << 53)
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }
}
