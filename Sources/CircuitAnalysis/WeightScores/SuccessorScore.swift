import Foundation
import TransformerEngine

/// One successor task (Gould et al. 2024): tokens in order (" 1", " 2", …; a cyclic task repeats
/// its first token at the end, e.g. Monday … Sunday, Monday). Each consecutive pair (t, s) is an
/// example. A nil entry is a word the tokenizer splits into several tokens: the pairs on either
/// side of it are dropped, as the paper drops them. The token lists come from the caller; the
/// dataset layer builds them from a tokenizer.
public struct SuccessorTask: Sendable, Equatable {
  public var name: String
  public var tokens: [Int?]

  public init(name: String, tokens: [Int?]) {
    self.name = name
    self.tokens = tokens
  }

  /// The distinct tokens of the task, the set the argmax runs over.
  var set: [Int] { Array(Set(tokens.compactMap { $0 })).sorted() }

  /// The examples (t, succ(t)): consecutive entries that are both single tokens.
  var pairs: [(Int, Int)] {
    zip(tokens, tokens.dropFirst()).compactMap { t, s in t.flatMap { t in s.map { (t, $0) } } }
  }

  var params: JSONValue { .array(tokens.map { $0.map { JSONValue.integer($0) } ?? .null }) }
}

/// The succession score (Gould et al. 2024, "Successor Heads", section 3; circuits-over-time's
/// reference code): for each pair (t, s) of every task, the head's effective OV logits of t
/// (`OVLogits`, E' per `EffectiveEmbedding`) restricted to the task's tokens; the pair succeeds
/// when s has the largest logit (ties go to the lower token id). The score of a head is the
/// fraction of all pairs, over all tasks, that succeed; the per-task fractions are reported too.
enum SuccessorScore {
  /// Overall [L * NH] and per task [tasks][L * NH].
  static func compute(_ subject: AnalysisSubject, tasks: [SuccessorTask], addingTokenEmbedding: Bool, progress: AnalysisProgress) throws -> (overall: [Double], perTask: [[Double]]) {
    guard !tasks.isEmpty else { throw AnalysisError.emptyDataset("no successor tasks given") }
    for task in tasks {
      guard !task.pairs.isEmpty else { throw AnalysisError.invalidArgument("successor task '\(task.name)' has no pair of consecutive single tokens") }
      for id in task.set { try subject.check(token: id, role: "successor task '\(task.name)'") }
    }
    let L = subject.layers, NH = subject.heads
    var hits = [[Double]](repeating: [Double](repeating: 0, count: L * NH), count: tasks.count)
    for (k, task) in tasks.enumerated() {
      if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: tasks.count) }
      let set = task.set
      let index = Dictionary(uniqueKeysWithValues: set.enumerated().map { ($0.element, $0.offset) })
      let ov = try OVLogits(subject.model, rows: set, columns: set, addingTokenEmbedding: addingTokenEmbedding)
      let n = set.count
      for l in 0..<L {
        for h in 0..<NH {
          let logits = ov.logits(layer: l, head: h)  // [n, n]
          for (t, s) in task.pairs {
            let row = logits[(index[t]! * n)..<((index[t]! + 1) * n)]
            let best = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }!
            if best - row.startIndex == index[s]! { hits[k][l * NH + h] += 1 }
          }
        }
      }
      progress.advance()
    }
    let pairs = tasks.map { Double($0.pairs.count) }
    let perTask = zip(hits, pairs).map { row, count in row.map { $0 / count } }
    let total = pairs.reduce(0, +)
    let overall = (0..<(L * NH)).map { i in hits.reduce(0.0) { $0 + $1[i] } / total }
    return (overall, perTask)
  }
}
