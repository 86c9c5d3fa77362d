import Foundation
import CircuitAnalysis
import TransformerEngine

extension Workbench {
  /// Runs the prompt for the live view: attention patterns of every head, the top `k` next
  /// tokens at every position, the metric and the logit lens's answer ranks, under the active
  /// interventions (and once without them when any are active). Nil when no prompt is set.
  public func liveView(topK k: Int = 5) throws -> LiveView? {
    guard let prompt else { return nil }
    let m = try loadedModel()
    let subject = m.subject
    let (L, NH, T) = (subject.layers, subject.heads, prompt.count)
    let sites = Set((0..<L).map { HookSite.block($0, .pattern) } + LogitLens.residualSites(layers: L))

    func pass(_ selection: LogitPositions) throws -> (patterns: [Float], logits: Tensor, cache: ActivationCache) {
      let (logits, cache) = try subject.model.runWithCache([prompt], sites: sites, logits: selection)
      var patterns = [Float]()
      patterns.reserveCapacity(L * NH * T * T)
      for l in 0..<L { patterns += cache[HookSite.block(l, .pattern)]!.values }  // [1, NH, T, T] each
      return (patterns, logits, cache)
    }

    let active = !interventions.ablations.isEmpty
    let (patterns, logits, cache) = try withInterventions(m, tokens: prompt) { try pass(.all) }
    // Without the interventions only the last position's logits are read (all of them for loss).
    // That pass depends only on the model and the prompt, so toggling ablations reuses it.
    var plain: (patterns: [Float], logits: Tensor)?
    if active {
      let key = LivePlainPass.Key(model: subject.identity.sha256, tokens: prompt, allLogits: metric.kind == .loss)
      if let cached = livePlainPass, cached.key == key {
        plain = (cached.patterns, cached.logits)
      } else {
        let run = try pass(key.allLogits ? .all : .last)
        livePlainPass = LivePlainPass(key: key, patterns: run.patterns, logits: run.logits)
        plain = (run.patterns, run.logits)
      }
    }
    let V = subject.config.vocabularySize
    let topK = (0..<T).map { t in
      LiveView.topCandidates(Array(logits.values[(t * V)..<((t + 1) * V)]), k: k, tokenText: subject.tokenText)
    }

    var metricValue: Double?, plainMetric: Double?, ranks: [Int]?
    if let answer {
      let group = try PromptPairBatch(clean: prompt, corrupted: prompt, answer: answer.answer, wrong: answer.wrong, tokenText: subject.tokenText)
      // The last position's logits [1, 1, V] of logits [1, T, V] (or [1, 1, V] already).
      let last = { (all: Tensor) in all.shape[1] == 1 ? all : Tensor(shape: [1, 1, V], values: Array(all.values[((T - 1) * V)..<(T * V)])) }
      let reference = plain?.logits ?? logits
      let measure = try metric.metric(for: group, cleanLogits: { last(reference) })
      let lossMetric = metric.kind == .loss
      metricValue = try measure.mean(lossMetric ? logits : last(logits))
      if let plain { plainMetric = try measure.mean(lossMetric ? plain.logits : last(plain.logits)) }
      ranks = try LogitLens.answerRanks(subject, cache: cache, position: T - 1, answer: answer.answer)
    }
    return LiveView(
      tokens: prompt, tokenTexts: prompt.map(subject.tokenText), layers: L, heads: NH, patterns: patterns,
      patternsWithoutInterventions: plain?.patterns, topK: topK, metric: metricValue, metricWithoutInterventions: plainMetric,
      metricName: metric.kind.rawValue, answerRanks: ranks)
  }
}

extension LiveView {
  /// The k largest logits of `row` [V] as tokens with their softmax probabilities, best first
  /// (ties broken by the lower id), found in one pass without sorting the vocabulary.
  static func topCandidates(_ row: [Float], k: Int, tokenText: (Int) -> String) -> [Candidate] {
    let maximum = row.max() ?? 0
    var total = 0.0
    for v in row { total += Double(exp(v - maximum)) }
    return TopK.indices(row, count: k).map { Candidate(token: tokenText($0), probability: Double(exp(row[$0] - maximum)) / total) }
  }
}

/// The live view's pass without interventions, kept for the next view of the same prompt.
struct LivePlainPass {
  struct Key: Equatable {
    let model: String
    let tokens: [Int]
    let allLogits: Bool
  }
  let key: Key
  /// [L, NH, T, T] flattened.
  let patterns: [Float]
  /// [1, 1, V], or [1, T, V] with `allLogits`.
  let logits: Tensor
}
