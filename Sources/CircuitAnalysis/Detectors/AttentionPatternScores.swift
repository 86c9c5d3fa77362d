import Foundation
import TransformerEngine

/// Attention-pattern head scores over a list of sequences, each [L, NH] averaged over the
/// sequences like TransformerLens `detect_head` on a list (each sequence scored on its own).
/// Sequences of equal length run as one batch; the pattern of every layer is the only activation
/// recorded ([B, NH, T, T] per layer).
struct AttentionPatternScores {
  let subject: AnalysisSubject
  let sequences: [[Int]]

  init(_ subject: AnalysisSubject, sequences: [[Int]]) throws {
    guard !sequences.isEmpty else { throw AnalysisError.emptyDataset("no token sequences to score heads on") }
    for (i, row) in sequences.enumerated() {
      guard row.count >= 2 else { throw AnalysisError.invalidArgument("sequence \(i) has \(row.count) token(s); head detection needs at least 2") }
      do { try subject.check(tokens: row) } catch { throw AnalysisError.invalidArgument("sequence \(i): \(error)") }
    }
    self.subject = subject
    self.sequences = sequences
  }

  /// Calls `body(sequence index, layer, head, pattern [T, T])` for every sequence and head.
  func forEachPattern(progress: AnalysisProgress, _ body: (Int, Int, Int, UnsafeBufferPointer<Float>) -> Void) throws {
    let L = subject.layers, NH = subject.heads
    let sites = Set((0..<L).map { HookSite.block($0, .pattern) })
    let byLength = Dictionary(grouping: sequences.indices, by: { sequences[$0].count })
    for T in byLength.keys.sorted() {
      if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: sequences.count) }
      let rows = byLength[T]!
      let (_, cache) = try subject.model.runWithCache(rows.map { sequences[$0] }, sites: sites, logits: .last)
      for l in 0..<L {
        cache[HookSite.block(l, .pattern)]!.values.withUnsafeBufferPointer { pattern in
          for (b, s) in rows.enumerated() {
            for h in 0..<NH {
              body(s, l, h, UnsafeBufferPointer(rebasing: pattern[((b * NH + h) * T * T)..<((b * NH + h + 1) * T * T)]))
            }
          }
        }
      }
      progress.advance(by: rows.count)
    }
  }

  /// TransformerLens `detect_head(model, sequences, pattern, error_measure:, exclude_bos:,
  /// exclude_current_token:)` for each pattern: [L * NH] per pattern.
  func detect(_ patterns: [DetectionPattern], scoring: PatternScoring, progress: AnalysisProgress) throws -> [[Double]] {
    let L = subject.layers, NH = subject.heads
    let detections = sequences.map { row in patterns.map { $0.pattern(for: row) } }
    var sums = [[Double]](repeating: [Double](repeating: 0, count: L * NH), count: patterns.count)
    try forEachPattern(progress: progress) { s, l, h, attention in
      for (k, detection) in detections[s].enumerated() {
        sums[k][l * NH + h] += scoring.score(attention: attention, detection: detection, T: sequences[s].count)
      }
    }
    return sums.map { $0.map { $0 / Double(sequences.count) } }
  }

  /// Mean attention to position 0 over every query position (Gu et al. 2024's α for the first
  /// token: (1/T) Σ_i A[i, 0]), averaged over sequences: [L * NH].
  func attentionSink(progress: AnalysisProgress) throws -> [Double] {
    let NH = subject.heads
    var sums = [Double](repeating: 0, count: subject.layers * NH)
    try forEachPattern(progress: progress) { s, l, h, attention in
      let T = sequences[s].count
      sums[l * NH + h] += (0..<T).reduce(0.0) { $0 + Double(attention[$1 * T]) } / Double(T)
    }
    return sums.map { $0 / Double(sequences.count) }
  }
}
