import TransformerEngine

/// Elhage et al. 2021's composition score of a sender's OV circuit into a receiver's circuit,
/// ‖W_A·W_B‖_F / (‖W_A‖_F ‖W_B‖_F), with TransformerLens's matrices
/// (`HookedTransformer.all_composition_scores`, `utilities.composition_scores`): W_A is the
/// sender's OV = W_V W_O, and W_B the receiver's
/// - Q: QK = W_Q W_Kᵀ (the sender writes what the receiver's queries read),
/// - K: QKᵀ = W_K W_Qᵀ (… its keys read),
/// - V: OV = W_V W_O (… its values read).
public enum CompositionMode: String, CaseIterable, Sendable {
  case q, k, v

  public var kind: String { "weights.composition.\(rawValue)" }

  /// W_B of `head` for this mode.
  func receiverMatrix(_ head: AttentionHeadWeights) -> FactoredMatrix {
    switch self {
    case .q: return head.qk
    case .k: return head.qk.transposed
    case .v: return head.ov
    }
  }
}

extension FactoredMatrix {
  /// ‖self·other‖_F / (‖self‖_F ‖other‖_F) (nil when a norm is 0), from the collapsed factors:
  /// with X [r, n] such that XᵀX = selfᵀself and Y [n, r'] such that YYᵀ = other·otherᵀ,
  /// ‖self·other‖_F = ‖X·Y‖_F, an r x r' product (TransformerLens collapses with the SVD,
  /// `collapse_l`/`collapse_r`; HeadLab with QR, which gives the same norms).
  public func compositionScore(into other: FactoredMatrix) throws -> Double? {
    precondition(columns == other.rows, "composition: [\(rows), \(columns)] then [\(other.rows), \(other.columns)]")
    let x = try collapsedLeft(), y = try other.collapsedRight()
    var product = [Float](repeating: 0, count: x.rows * y.columns)  // [r, r']
    if x.rows > 0, y.columns > 0, columns > 0 {
      BLAS.matmul(x.values, y.values, into: &product, m: x.rows, n: y.columns, k: columns)
    }
    return Self.ratio(Self.sumOfSquares(product), Self.sumOfSquares(x.values), Self.sumOfSquares(y.values))
  }

  /// √numerator / (√left · √right), nil when a denominator is 0.
  static func ratio(_ numerator: Double, _ left: Double, _ right: Double) -> Double? {
    guard left > 0, right > 0 else { return nil }
    return (numerator / left / right).squareRoot()
  }

  static func sumOfSquares(_ x: [Float]) -> Double { x.reduce(0.0) { $0 + Double($1) * Double($1) } }
}
