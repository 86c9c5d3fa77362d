import Foundation
import TransformerEngine

/// A scalar measured on each prompt of a batch from its logits. Logit difference is the primary
/// metric of patching work (Wang et al. 2022; Heimersheim & Nanda 2024 and Zhang & Nanda 2024
/// recommend it over probability, which saturates, and top-k accuracy, which is discrete).
///
/// Every metric but `loss` reads one position per row, the answer position ([B,1,V] logits);
/// `loss` reads every position ([B,T,V]).
public struct Metric: Sendable, Equatable {
  public enum Kind: String, CaseIterable, Sendable {
    /// logit[answer] - logit[wrong].
    case logitDifference = "logit_diff"
    /// log p(answer).
    case logProbability = "logprob"
    /// p(answer).
    case probability = "prob"
    /// Mean next-token cross-entropy over the prompt (targets are the next tokens).
    case loss
    /// KL(reference || run) of the next-token distributions at the answer position.
    case klDivergence = "kl"
    /// 1 if the answer is among the top k logits, else 0.
    case topKAccuracy = "topk_accuracy"
  }

  public var kind: Kind
  /// The answer token of each row (logit_diff, logprob, prob, topk_accuracy).
  public var answers: [Int]
  /// The wrong token of each row (logit_diff).
  public var wrongs: [Int]
  /// k for top-k accuracy.
  public var k: Int
  /// The reference run's log-probabilities at each row's answer position, [B][V] (kl).
  public var referenceLogProbabilities: [[Float]]
  /// Next-token targets per row and position, -1 to skip (loss).
  public var targets: [[Int]]

  public init(kind: Kind, answers: [Int] = [], wrongs: [Int] = [], k: Int = 1, referenceLogProbabilities: [[Float]] = [], targets: [[Int]] = []) {
    self.kind = kind
    self.answers = answers
    self.wrongs = wrongs
    self.k = k
    self.referenceLogProbabilities = referenceLogProbabilities
    self.targets = targets
  }

  public static func logitDifference(answers: [Int], wrongs: [Int]) -> Metric { Metric(kind: .logitDifference, answers: answers, wrongs: wrongs) }
  public static func logProbability(of answers: [Int]) -> Metric { Metric(kind: .logProbability, answers: answers) }
  public static func probability(of answers: [Int]) -> Metric { Metric(kind: .probability, answers: answers) }
  public static func topKAccuracy(answers: [Int], k: Int) -> Metric { Metric(kind: .topKAccuracy, answers: answers, k: k) }
  public static func loss(targets: [[Int]]) -> Metric { Metric(kind: .loss, targets: targets) }
  /// KL divergence to a reference run, from that run's logits [B,1,V] at the answer positions.
  public static func klDivergence(referenceLogits: Tensor) -> Metric {
    let V = referenceLogits.shape[2]
    let rows = (0..<referenceLogits.shape[0]).map { b in logSoftmax(Array(referenceLogits.values[(b * V)..<((b + 1) * V)])) }
    return Metric(kind: .klDivergence, referenceLogProbabilities: rows)
  }

  /// Whether the metric reads every position rather than one per row.
  public var readsEveryPosition: Bool { kind == .loss }

  /// The number of rows the metric is defined for.
  public var rows: Int {
    switch kind {
    case .logitDifference, .logProbability, .probability, .topKAccuracy: return answers.count
    case .klDivergence: return referenceLogProbabilities.count
    case .loss: return targets.count
    }
  }

  /// The same metric for rows repeated `times` times in a stacked batch (variant-major: all rows
  /// of variant 0, then variant 1, …).
  public func tiled(_ times: Int) -> Metric {
    var m = self
    m.answers = Array([[Int]](repeating: answers, count: times).joined())
    m.wrongs = Array([[Int]](repeating: wrongs, count: times).joined())
    m.referenceLogProbabilities = Array([[[Float]]](repeating: referenceLogProbabilities, count: times).joined())
    m.targets = Array([[[Int]]](repeating: targets, count: times).joined())
    return m
  }

  /// The metric of each row. `logits` is [B,1,V] (or [B,T,V] for loss); NaN or infinity in a row
  /// the metric reads is an error.
  public func perRow(_ logits: Tensor) throws -> [Double] {
    let (B, P, V) = (logits.shape[0], logits.shape[1], logits.shape[2])
    guard B == rows else { throw AnalysisError.invalidArgument("metric \(kind.rawValue) is defined for \(rows) rows, the logits have \(B)") }
    if !readsEveryPosition, P != 1 { throw AnalysisError.invalidArgument("metric \(kind.rawValue) reads one position per row, got \(P)") }
    for id in answers + wrongs where id < 0 || id >= V { throw EngineError.tokenOutOfRange(id: id, vocabularySize: V) }
    return try (0..<B).map { b in
      let row = logits.values[(b * P * V)..<((b + 1) * P * V)]
      if row.contains(where: { !$0.isFinite }) { throw AnalysisError.nonFinite("the logits of row \(b)") }
      let base = row.startIndex
      switch kind {
      case .logitDifference:
        return Double(logits.values[base + answers[b]]) - Double(logits.values[base + wrongs[b]])
      case .logProbability:
        return Double(Metric.logSoftmax(Array(row))[answers[b]])
      case .probability:
        return exp(Double(Metric.logSoftmax(Array(row))[answers[b]]))
      case .topKAccuracy:
        let target = logits.values[base + answers[b]]
        let above = row.enumerated().filter { $0.element > target || ($0.element == target && $0.offset < answers[b]) }.count
        return above < k ? 1 : 0
      case .klDivergence:
        let p = referenceLogProbabilities[b]
        let q = Metric.logSoftmax(Array(row))
        var kl = 0.0
        for v in 0..<V where p[v] > -Float.infinity { kl += exp(Double(p[v])) * Double(p[v] - q[v]) }
        return kl
      case .loss:
        guard targets[b].count == P else { throw AnalysisError.invalidArgument("loss targets of row \(b) have \(targets[b].count) positions, the logits \(P)") }
        var total = 0.0, n = 0
        for t in 0..<P where targets[b][t] >= 0 {
          let lp = Metric.logSoftmax(Array(logits.values[(base + t * V)..<(base + (t + 1) * V)]))
          total -= Double(lp[targets[b][t]])
          n += 1
        }
        return n == 0 ? 0 : total / Double(n)
      }
    }
  }

  /// The mean over rows.
  public func mean(_ logits: Tensor) throws -> Double {
    let values = try perRow(logits)
    return values.reduce(0, +) / Double(max(values.count, 1))
  }

  /// The mean as a differentiable objective for the backward pass (attribution patching, gradient
  /// importance). Top-k accuracy is piecewise constant and has no useful gradient.
  public func objective() throws -> Objective {
    switch kind {
    case .logitDifference:
      return Objectives.logitDifference(correct: answers, wrong: wrongs)
    case .logProbability:
      return Objectives.logProbability(of: answers)
    case .loss:
      return Objectives.crossEntropy(targets: targets)
    case .probability, .klDivergence:
      let metric = self
      return { logits in
        let (B, V) = (logits.shape[0], logits.shape[2])
        var gradient = Tensor(shape: logits.shape)
        var total = 0.0
        for b in 0..<B {
          let q = Metric.logSoftmax(Array(logits.values[(b * V)..<((b + 1) * V)]))
          if metric.kind == .probability {
            // d p_a / d z_v = p_a (1[v=a] - p_v)
            let pa = exp(q[metric.answers[b]])
            total += Double(pa)
            for v in 0..<V { gradient.values[b * V + v] = pa * ((v == metric.answers[b] ? 1 : 0) - exp(q[v])) / Float(B) }
          } else {
            // KL(p || q) with q = softmax(z): d/dz_v = q_v - p_v
            let p = metric.referenceLogProbabilities[b]
            for v in 0..<V {
              if p[v] > -Float.infinity { total += exp(Double(p[v])) * Double(p[v] - q[v]) }
              gradient.values[b * V + v] = (exp(q[v]) - exp(p[v])) / Float(B)
            }
          }
        }
        return (Float(total / Double(B)), gradient)
      }
    case .topKAccuracy:
      throw AnalysisError.invalidArgument("top-k accuracy is piecewise constant: gradient-based methods need logit_diff, logprob, prob, loss or kl")
    }
  }

  /// log-softmax in Double for stability, returned as Float.
  public static func logSoftmax(_ values: [Float]) -> [Float] {
    let m = values.max() ?? 0
    let total = values.reduce(0.0) { $0 + exp(Double($1 - m)) }
    let logTotal = log(total) + Double(m)
    return values.map { Float(Double($0) - logTotal) }
  }
}

/// The normalised patching score (Heimersheim & Nanda 2024; the TransformerLens IOI demo's
/// `ioi_metric`): (patched - corrupted) / (clean - corrupted). 1 is full restoration, 0 no effect.
public func normalisedPatchingScore(_ patched: Double, clean: Double, corrupted: Double) throws -> Double {
  let span = clean - corrupted
  guard span != 0, span.isFinite else {
    throw AnalysisError.invalidArgument("cannot normalise: the clean and corrupted metric are equal (\(clean)), so (patched - corrupted)/(clean - corrupted) is undefined")
  }
  return (patched - corrupted) / span
}
