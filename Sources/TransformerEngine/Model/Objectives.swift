/// Scalar objectives of the logits, with their gradients, for `TransformerModel.gradients`.
public enum Objectives {
  /// Mean next-token cross-entropy. `targets[b][i]` is the target at logit position i of row b
  /// (-1 to skip a position). Logits [B,P,V].
  public static func crossEntropy(targets: [[Int]]) -> Objective {
    { logits in
      let (B, P, V) = (logits.shape[0], logits.shape[1], logits.shape[2])
      guard targets.count == B, targets.allSatisfy({ $0.count == P }) else {
        throw EngineError.invalidConfig("targets must be [\(B)][\(P)] to match the logits")
      }
      for t in targets.joined() where t >= V || t < -1 { throw EngineError.tokenOutOfRange(id: t, vocabularySize: V) }
      let flat = targets.flatMap { $0 }.map(Int32.init)
      var gradient = Tensor(shape: logits.shape)
      let loss = logits.values.withUnsafeBufferPointer { x in
        flat.withUnsafeBufferPointer { t in
          gradient.values.withUnsafeMutableBufferPointer { d in
            crossEntropyForwardBackward(logits: x.baseAddress!, targets: t.baseAddress!, dlogits: d.baseAddress!, R: B * P, V: V)
          }
        }
      }
      return (loss, gradient)
    }
  }

  /// Mean over the batch of logit[correct] - logit[wrong] at one logit position per row
  /// (Wang et al. 2022's logit difference; logits [B,1,V] from `.last` or one position).
  public static func logitDifference(correct: [Int], wrong: [Int]) -> Objective {
    { logits in
      let (B, P, V) = (logits.shape[0], logits.shape[1], logits.shape[2])
      guard P == 1, correct.count == B, wrong.count == B else {
        throw EngineError.invalidConfig("logit difference needs logits at one position and one correct/wrong token per row")
      }
      for id in correct + wrong where id < 0 || id >= V { throw EngineError.tokenOutOfRange(id: id, vocabularySize: V) }
      var gradient = Tensor(shape: logits.shape)
      var total: Float = 0
      for b in 0..<B {
        total += logits.values[b * V + correct[b]] - logits.values[b * V + wrong[b]]
        gradient.values[b * V + correct[b]] += 1 / Float(B)
        gradient.values[b * V + wrong[b]] -= 1 / Float(B)
      }
      return (total / Float(B), gradient)
    }
  }

  /// Mean over the batch of log p(token[b]) at one logit position per row.
  public static func logProbability(of tokens: [Int]) -> Objective {
    { logits in
      let (B, P) = (logits.shape[0], logits.shape[1])
      guard P == 1, tokens.count == B else {
        throw EngineError.invalidConfig("log-probability needs logits at one position and one token per row")
      }
      let targets = tokens.map { [$0] }
      let (loss, gradient) = try crossEntropy(targets: targets)(logits)
      return (-loss, Tensor(shape: gradient.shape, values: gradient.values.map { -$0 }))
    }
  }
}
