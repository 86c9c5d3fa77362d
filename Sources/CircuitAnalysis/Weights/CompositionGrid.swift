import TransformerEngine

/// Every composition score of a model (`CompositionMode`, Elhage et al. 2021) at once: sender
/// (l1, h1) into receiver (l2, h2) for l1 < l2, the pairs TransformerLens leaves unmasked.
///
/// Each sender's OV is collapsed once to X [HS, C] (`FactoredMatrix.collapsedLeft`) (‖X‖_F = ‖OV‖_F) and each receiver's W_B to
/// Y [C, HS]; then one product per receiver layer, X of every earlier head [l2·NH·HS, C] times
/// Y of the layer's heads for every mode [C, modes·NH·HS], gives every numerator as the norm of
/// an HS x HS block. For GPT-2 small that is 12 products of at most 8448 x 768 x 2304.
struct CompositionGrid {
  /// [mode][L·NH·L·NH] row-major over (l1, h1, l2, h2); nil where l1 >= l2 or a norm is 0.
  let scores: [CompositionMode: [Double?]]

  init(_ weights: HeadWeights, modes: [CompositionMode], isCancelled: () -> Bool = { false }) throws {
    let L = weights.config.layers, NH = weights.config.heads, C = weights.config.modelDim, HS = weights.config.headDim
    let heads = (0..<(L * NH)).map { weights.head(HeadIndex($0 / NH, $0 % NH)) }
    var senders = [Float](repeating: 0, count: L * NH * HS * C)  // [L·NH·HS, C]
    var senderNorms = [Double](repeating: 0, count: L * NH)
    for (i, head) in heads.enumerated() {
      let x = try head.ov.collapsedLeft()  // [HS, C]
      senders.replaceSubrange((i * HS * C)..<((i + 1) * HS * C), with: x.values)
      senderNorms[i] = FactoredMatrix.sumOfSquares(x.values)
    }
    let M = modes.count, width = M * NH * HS
    var out = [CompositionMode: [Double?]]()
    for mode in modes { out[mode] = [Double?](repeating: nil, count: L * NH * L * NH) }
    for l2 in 1..<max(1, L) {
      if isCancelled() { throw AnalysisError.cancelled(completed: l2 - 1, total: L - 1) }
      var receivers = [Float](repeating: 0, count: C * width)  // [C, M·NH·HS]
      var receiverNorms = [Double](repeating: 0, count: M * NH)
      for (m, mode) in modes.enumerated() {
        for h2 in 0..<NH {
          let y = try mode.receiverMatrix(heads[l2 * NH + h2]).collapsedRight()  // [C, HS]
          let column = (m * NH + h2) * HS
          for c in 0..<C { for j in 0..<HS { receivers[c * width + column + j] = y.values[c * HS + j] } }
          receiverNorms[m * NH + h2] = FactoredMatrix.sumOfSquares(y.values)
        }
      }
      let rows = l2 * NH * HS
      var products = [Float](repeating: 0, count: rows * width)  // [l2·NH·HS, M·NH·HS]
      BLAS.matmul(senders, receivers, into: &products, m: rows, n: width, k: C)
      for sender in 0..<(l2 * NH) {
        for (m, mode) in modes.enumerated() {
          for h2 in 0..<NH {
            var sum = 0.0
            for i in 0..<HS {
              let base = (sender * HS + i) * width + (m * NH + h2) * HS
              for j in 0..<HS { sum += Double(products[base + j]) * Double(products[base + j]) }
            }
            out[mode]![sender * L * NH + l2 * NH + h2] = FactoredMatrix.ratio(sum, senderNorms[sender], receiverNorms[m * NH + h2])
          }
        }
      }
    }
    scores = out
  }
}
