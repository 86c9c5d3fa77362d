import CircuitAnalysis
import Foundation
import TransformerEngine

/// A small IOI-like batch on the tiny fixture model: two aligned templates of 8 tokens, names
/// 100..139 in three slots (clean S IO S, corrupted ABC), and the corrupted prompts as the
/// ablation reference.
enum TinyIOIBatch {
  static func make() throws -> (AnalysisSubject, PromptPairBatch, AblationReference) {
    let subject = try TinySubject.load()
    // Two aligned templates of 8 tokens, names 100..139 in three slots (clean S IO S, corrupted ABC).
    var rng = SplitMix64(seed: 7)
    func draw(_ bound: Int) -> Int { Int(rng.next() % UInt64(bound)) }
    var clean: [[Int]] = [], corrupted: [[Int]] = [], answers: [Int] = [], wrongs: [Int] = [], templates: [String] = []
    for r in 0..<6 {
      let template = r % 2 == 0 ? [0, 11, 0, 23, 0, 37, 0, 41] : [0, 0, 52, 0, 61, 0, 73, 84]
      let slots = r % 2 == 0 ? [2, 4, 6] : [1, 3, 5]
      let s = 100 + draw(40), io = 100 + (s - 100 + 1 + draw(39)) % 40
      var c = template, k = template
      (c[slots[0]], c[slots[1]], c[slots[2]]) = (s, io, s)
      (k[slots[0]], k[slots[1]], k[slots[2]]) = (100 + draw(40), 100 + draw(40), 100 + draw(40))
      clean.append(c); corrupted.append(k); answers.append(io); wrongs.append(s); templates.append(r % 2 == 0 ? "a" : "b")
    }
    let batch = try PromptPairBatch(clean: clean, corrupted: corrupted, answers: answers, wrongs: wrongs, templates: templates, tokenText: subject.tokenText)
    let reference = try AblationReference(tokens: corrupted, templates: templates, name: "test corrupted prompts")
  
    return (subject, batch, reference)
  }
}
