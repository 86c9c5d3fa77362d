import Corpus
import Foundation
import Tokenizers
import TransformerEngine

/// Measures the behaviours the default model is trained to have:
/// - IOI (Wang et al. 2023): accuracy of logit(IO) > logit(S) and mean logit difference, per
///   name order, on Wang et al.'s templates with fresh names ("abba", "baba") and on the
///   hand-written held-out templates ("abba-heldout", "baba-heldout", `HeldOutBehaviourSet`);
/// - succession (Gould et al. 2024): top-1 accuracy of the next item, per sequence kind, on fresh
///   runs in the corpus's usual form and on the held-out frames (also per separator);
/// - induction: mean loss on the first and second copy of a repeated random token sequence.
/// Fresh prompts use a seed different from training. Every prompt is run with BOS prepended, as
/// the model was trained.
public struct BehaviourReport: Codable, Equatable, Sendable {
  public struct IOIScore: Codable, Equatable, Sendable {
    public var accuracy: Double
    public var meanLogitDifference: Double
    public var prompts: Int
  }
  public struct InductionScore: Codable, Equatable, Sendable {
    public var firstCopyLoss: Double
    public var secondCopyLoss: Double
    public var sequences: Int
    public var drop: Double { firstCopyLoss - secondCopyLoss }
  }

  /// Keyed by `IOIOrder.rawValue` ("abba", "baba") and template set.
  public var ioi: [String: IOIScore]
  /// Keyed by `SuccessorKind.rawValue`.
  public var successorAccuracy: [String: Double]
  /// Held-out frames, keyed by `SuccessorKind.rawValue` (empty when not measured).
  public var heldOutSuccessorAccuracy: [String: Double]
  /// Held-out frames by the separator before the answer (";", " - ", "\n", ...), all kinds.
  public var heldOutSuccessorBySeparator: [String: Double]
  public var induction: InductionScore

  /// One line per measure.
  public var summary: String {
    var lines: [String] = []
    for (key, score) in ioi.sorted(by: { $0.key < $1.key }) {
      lines.append(String(format: "IOI %-16@ accuracy %5.1f%%  logit difference %6.2f  (%d prompts)", key as NSString,
                          100 * score.accuracy, score.meanLogitDifference, score.prompts))
    }
    func percentages(_ scores: [String: Double]) -> String {
      scores.sorted { $0.key < $1.key }.map { String(format: "%@ %.1f%%", $0.key, 100 * $0.value) }.joined(separator: ", ")
    }
    lines.append("successor top-1: " + percentages(successorAccuracy))
    if !heldOutSuccessorAccuracy.isEmpty {
      lines.append("successor top-1, held-out frames: " + percentages(heldOutSuccessorAccuracy))
      let bySeparator = heldOutSuccessorBySeparator.map { (key: "\"\($0.key.replacingOccurrences(of: "\n", with: "\\n"))\"", value: $0.value) }
      lines.append("  by separator: " + percentages(Dictionary(uniqueKeysWithValues: bySeparator)))
    }
    lines.append(String(format: "induction: loss %.2f on the first copy, %.2f on the second (drop %.2f nats, %d sequences)",
                        induction.firstCopyLoss, induction.secondCopyLoss, induction.drop, induction.sequences))
    return lines.joined(separator: "\n")
  }
}

public enum BehaviourEvaluation {
  /// Runs every measure with `count` fresh prompts per task. `heldOut` adds the held-out set
  /// (all of its prompts, whatever `count`).
  public static func evaluate(
    model: TransformerModel, tokenizer: BPETokenizer, count: Int, seed: UInt64, heldOut: HeldOutBehaviourSet? = nil
  ) throws -> BehaviourReport {
    var ioi: [String: BehaviourReport.IOIScore] = [:]
    for order in IOIOrder.allCases {
      let prompts = CorpusGenerator.ioiPrompts(count: count, order: order, seed: seed)
      ioi[order.rawValue] = try scoreIOI(prompts, model: model, tokenizer: tokenizer)
      if let heldOut {
        ioi["\(order.rawValue)-heldout"] = try scoreIOI(heldOut.ioiPrompts(order: order), model: model, tokenizer: tokenizer)
      }
    }
    var successor: [String: Double] = [:]
    var heldOutSuccessor: [String: Double] = [:]
    var bySeparator: [String: (correct: Int, total: Int)] = [:]
    for kind in SuccessorKind.allCases {
      let prompts = CorpusGenerator.successorPrompts(kind: kind, count: count, seed: seed)
      successor[kind.rawValue] = try scoreSuccessor(prompts, model: model, tokenizer: tokenizer).accuracy
      guard let heldOut else { continue }
      let framed = heldOut.successorPrompts(kind: kind)
      let score = try scoreSuccessor(framed.map(\.prompt), model: model, tokenizer: tokenizer)
      heldOutSuccessor[kind.rawValue] = score.accuracy
      for ((frame, _), correct) in zip(framed, score.correct) {
        let separator = HeldOutBehaviourSet.separator(of: heldOut.successorFrames[kind.rawValue]![frame])
        bySeparator[separator, default: (0, 0)].correct += correct ? 1 : 0
        bySeparator[separator, default: (0, 0)].total += 1
      }
    }
    let induction = try scoreInduction(model: model, tokenizer: tokenizer, sequences: count, length: inductionLength, seed: seed)
    return BehaviourReport(ioi: ioi, successorAccuracy: successor, heldOutSuccessorAccuracy: heldOutSuccessor,
                           heldOutSuccessorBySeparator: bySeparator.mapValues { Double($0.correct) / Double($0.total) },
                           induction: induction)
  }

  /// The induction sequences' length: BOS, then 20 random tokens twice (the model reads all but
  /// the last).
  static let inductionLength = 20

  /// The most positions any evaluation prompt needs (with BOS). A model with a shorter context
  /// cannot be evaluated, which `headlab train` says before it trains rather than after.
  public static func longestPrompt(tokenizer: BPETokenizer, count: Int, seed: UInt64, heldOut: HeldOutBehaviourSet?) -> Int {
    var texts = IOIOrder.allCases.flatMap { CorpusGenerator.ioiPrompts(count: count, order: $0, seed: seed).map(\.text) }
    texts += SuccessorKind.allCases.flatMap { CorpusGenerator.successorPrompts(kind: $0, count: count, seed: seed).map(\.text) }
    if let heldOut {
      texts += IOIOrder.allCases.flatMap { heldOut.ioiPrompts(order: $0).map(\.text) }
      texts += SuccessorKind.allCases.flatMap { heldOut.successorPrompts(kind: $0).map(\.prompt.text) }
    }
    let longest = texts.map { tokenizer.encode($0, prependBOS: true).count }.max() ?? 0
    return max(longest, 2 * inductionLength)
  }

  static func singleToken(_ text: String, _ tokenizer: BPETokenizer) throws -> Int {
    let ids = tokenizer.encode(text)
    guard ids.count == 1 else { throw RecipeError.invalid("'\(text)' is \(ids.count) tokens for this tokenizer, not one") }
    return ids[0]
  }

  /// Last-position logits for each text, batched by token length (the engine runs equal lengths).
  static func lastLogits(_ texts: [String], model: TransformerModel, tokenizer: BPETokenizer) throws -> [[Float]] {
    let encoded = texts.map { tokenizer.encode($0, prependBOS: true) }
    var result = [[Float]](repeating: [], count: texts.count)
    let V = model.config.vocabularySize
    for (_, indices) in Dictionary(grouping: encoded.indices, by: { encoded[$0].count }) {
      for chunk in stride(from: 0, to: indices.count, by: 64).map({ Array(indices[$0..<min($0 + 64, indices.count)]) }) {
        let logits = try model.forward(chunk.map { encoded[$0] }, logits: .last)
        for (row, index) in chunk.enumerated() { result[index] = Array(logits.values[(row * V)..<((row + 1) * V)]) }
      }
    }
    return result
  }

  static func scoreIOI(_ prompts: [IOIPrompt], model: TransformerModel, tokenizer: BPETokenizer) throws -> BehaviourReport.IOIScore {
    let logits = try lastLogits(prompts.map(\.text), model: model, tokenizer: tokenizer)
    var correct = 0
    var total = 0.0
    for (prompt, row) in zip(prompts, logits) {
      let difference = Double(row[try singleToken(prompt.io, tokenizer)] - row[try singleToken(prompt.s, tokenizer)])
      total += difference
      if difference > 0 { correct += 1 }
    }
    return .init(accuracy: Double(correct) / Double(max(prompts.count, 1)), meanLogitDifference: total / Double(max(prompts.count, 1)), prompts: prompts.count)
  }

  /// Top-1 accuracy and, per prompt, whether the top token was the answer.
  static func scoreSuccessor(_ prompts: [SuccessorPrompt], model: TransformerModel, tokenizer: BPETokenizer) throws
    -> (accuracy: Double, correct: [Bool])
  {
    let logits = try lastLogits(prompts.map(\.text), model: model, tokenizer: tokenizer)
    var correct: [Bool] = []
    for (prompt, row) in zip(prompts, logits) {
      let answer = try singleToken(prompt.answer, tokenizer)
      var best = 0
      for i in row.indices where row[i] > row[best] { best = i }
      correct.append(best == answer)
    }
    return (Double(correct.filter { $0 }.count) / Double(max(prompts.count, 1)), correct)
  }

  /// BOS, `length` random non-special tokens, the same tokens again; mean cross-entropy of
  /// predicting tokens 2...length of each copy.
  static func scoreInduction(model: TransformerModel, tokenizer: BPETokenizer, sequences: Int, length: Int, seed: UInt64) throws -> BehaviourReport.InductionScore {
    var generator = TransformerEngine.SplitMix64(seed: seed ^ 0x494E_4455)
    let bos = tokenizer.endOfTextID ?? 0
    var first = 0.0, second = 0.0
    var batch: [[Int]] = []
    func flush() throws {
      guard !batch.isEmpty else { return }
      let inputs = batch.map { Array($0.dropLast()) }
      let logits = try model.forward(inputs, logits: .all)
      let (B, T, V) = (logits.shape[0], logits.shape[1], logits.shape[2])
      var logProbs = [Float](repeating: 0, count: B * T * V)
      logits.values.withUnsafeBufferPointer { x in logProbs.withUnsafeMutableBufferPointer { logSoftmax(x.baseAddress!, into: $0.baseAddress!, R: B * T, V: V) } }
      for (b, row) in batch.enumerated() {
        // Position p predicts row[p + 1]; the first copy is row[1...length], the second row[length+1...2·length].
        for p in 1..<length { first -= Double(logProbs[(b * T + p) * V + row[p + 1]]) }
        for p in (length + 1)..<(2 * length) { second -= Double(logProbs[(b * T + p) * V + row[p + 1]]) }
      }
      batch.removeAll()
    }
    for _ in 0..<sequences {
      var tokens: [Int] = []
      while tokens.count < length {
        let t = Int(generator.next() % UInt64(tokenizer.vocabularySize))
        if t != bos && t < model.config.vocabularySize { tokens.append(t) }
      }
      batch.append([bos] + tokens + tokens)
      if batch.count == 32 { try flush() }
    }
    try flush()
    let n = Double(sequences * (length - 1))
    return .init(firstCopyLoss: first / n, secondCopyLoss: second / n, sequences: sequences)
  }
}
