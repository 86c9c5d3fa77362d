import TransformerEngine

/// Reads a logit difference straight from ln_final's output: logit[a] − logit[w] =
/// x · (W_U[a] − W_U[w]) for the final residual x after ln_final (GPT-2 has no unembedding bias).
/// A sweep asks the engine for no logits at all (`.positions([])`) and captures
/// `unembed.hook_in` instead, so no pass reads the whole V × C unembedding: for GPT-2 small that
/// is 154 MB a pass, a fifth of a head sweep's time.
struct LogitDirectionReadout {
  /// d_b = W_U[answer_b] − W_U[wrong_b] for each prompt row b.  [B][C]
  let directions: [[Float]]

  init(model: TransformerModel, answers: [Int], wrongs: [Int]) {
    let c = model.config
    let unembedding = model.parameters.pointer(c.tiedEmbeddings ? .tokenEmbedding : .unembedding)  // [V,C]
    directions = zip(answers, wrongs).map { a, w in
      (0..<c.modelDim).map { unembedding[a * c.modelDim + $0] - unembedding[w * c.modelDim + $0] }
    }
  }

  /// Runs `pass` with a hook capturing ln_final's output and returns each row's logit difference
  /// at its position `last[r]`; stacked row r belongs to prompt r mod B.
  func measure(model: TransformerModel, last: (_ row: Int, _ positions: Int) -> Int, _ pass: () throws -> Tensor) throws -> [Double] {
    let box = CapturedActivation()
    _ = try model.withHooks([Hook.reading(HookSite(.unembedIn)) { tensor, _ in box.tensor = tensor }]) { try pass() }
    guard let x = box.tensor else { throw AnalysisError.invalidArgument("the pass did not reach ln_final") }
    let (R, T, C) = (x.shape[0], x.shape[1], x.shape[2])  // [R,T,C]
    return try (0..<R).map { r in
      let t = last(r, T)
      let d = directions[r % directions.count]
      var total = 0.0
      for i in 0..<C { total += Double(x.values[(r * T + t) * C + i]) * Double(d[i]) }
      if !total.isFinite { throw AnalysisError.nonFinite("the final residual stream of row \(r)") }
      return total
    }
  }
}

/// Holds what a reading hook saw.
final class CapturedActivation: @unchecked Sendable {
  var tensor: Tensor?
}
