import Foundation
import TransformerEngine

/// A head-role detector; each gives one [L, NH] result of kind `detect.<name>`.
public enum HeadDetector: String, CaseIterable, Sendable {
  /// TransformerLens `detect_head` with the previous-token pattern.
  case previousToken = "previous_token"
  /// TransformerLens `detect_head` with the duplicate-token pattern.
  case duplicateToken = "duplicate_token"
  /// TransformerLens `detect_head` with the induction pattern.
  case induction
  /// Mean attention to position 0 (Gu et al. 2024).
  case attentionSink = "attention_sink"
  /// Succession score from the effective OV circuit (Gould et al. 2024); also gives
  /// `detect.successor.per_task` [task, L, NH].
  case successor
  /// OV copy score (Wang et al. 2023).
  case copy
  /// Negative (-OV) copy score (McDougall et al. 2023).
  case negativeCopy = "negative_copy"

  public var kind: String { "detect.\(rawValue)" }

  /// Whether the detector reads attention patterns on sequences (else it reads weights only).
  public var readsSequences: Bool { [.previousToken, .duplicateToken, .induction, .attentionSink].contains(self) }
}

/// What the detectors run on and how they score.
public struct HeadDetectorInputs: Sendable {
  /// Token sequences for the attention-pattern detectors, e.g. [BOS] + r + r (papers.md section 9).
  public var sequences: [[Int]]
  /// Successor tasks (token ids in order) for `successor`.
  public var successorTasks: [SuccessorTask]
  /// The token set (single-token names by default) for `copy` and `negativeCopy`.
  public var copyTokens: [Int]
  /// The top-k of the copy scores (5 in Wang et al.).
  public var copyTopK: Int
  /// How the TransformerLens pattern detectors score.
  public var scoring: PatternScoring
  /// Whether the effective embedding adds W_E to MLP0(LN2(W_E)) (see `EffectiveEmbedding`).
  public var addingTokenEmbedding: Bool

  public init(
    sequences: [[Int]] = [], successorTasks: [SuccessorTask] = [], copyTokens: [Int] = [], copyTopK: Int = 5,
    scoring: PatternScoring = PatternScoring(), addingTokenEmbedding: Bool = false
  ) {
    self.sequences = sequences
    self.successorTasks = successorTasks
    self.copyTokens = copyTokens
    self.copyTopK = copyTopK
    self.scoring = scoring
    self.addingTokenEmbedding = addingTokenEmbedding
  }
}

/// Head detectors (papers.md section 9): one [L, NH] result per detector, in the order asked.
public enum HeadDetectors {
  public static func run(
    _ subject: AnalysisSubject, detectors: [HeadDetector] = HeadDetector.allCases, inputs: HeadDetectorInputs,
    progress: AnalysisProgress = .none
  ) throws -> [AnalysisResult] {
    let L = subject.layers, NH = subject.heads
    var results = [AnalysisResult]()
    let patternDetectors: [(HeadDetector, DetectionPattern)] = [(.previousToken, .previousToken), (.duplicateToken, .duplicateToken), (.induction, .induction)]
    let sequences: JSONValue = .integerRows(inputs.sequences)
    let embedding: [String: JSONValue] = ["effective_embedding": "mlp0(ln2_0(W_E))", "adds_token_embedding": .bool(inputs.addingTokenEmbedding)]
    func result(_ kind: String, _ values: [Double], _ params: [String: JSONValue], since start: DispatchTime) -> AnalysisResult {
      AnalysisResult(kind: kind, axes: [.layers(L), .heads(NH)], values: ResultGrid(shape: [L, NH], numbers: values),
                     params: params, model: subject.identity, elapsedMs: elapsedMilliseconds(since: start))
    }
    // Progress units: one per sequence for each pattern detector, one per task, one per layer.
    let units = detectors.reduce(0) { total, detector in
      total + (detector.readsSequences ? inputs.sequences.count : detector == .successor ? inputs.successorTasks.count : L)
    }
    progress.start(total: units)
    for detector in detectors {
      if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: units) }
      let start = DispatchTime.now()
      switch detector {
      case .previousToken, .duplicateToken, .induction:
        let pattern = patternDetectors.first { $0.0 == detector }!.1
        let scores = try AttentionPatternScores(subject, sequences: inputs.sequences).detect([pattern], scoring: inputs.scoring, progress: progress)
        var params = inputs.scoring.params
        params["sequences"] = sequences
        params["pattern"] = .string(pattern.rawValue)
        results.append(result(detector.kind, scores[0], params, since: start))
      case .attentionSink:
        let scores = try AttentionPatternScores(subject, sequences: inputs.sequences).attentionSink(progress: progress)
        results.append(result(detector.kind, scores, ["sequences": sequences, "query_positions": "all"], since: start))
      case .successor:
        let (overall, perTask) = try SuccessorScore.compute(subject, tasks: inputs.successorTasks, addingTokenEmbedding: inputs.addingTokenEmbedding, progress: progress)
        var params = embedding
        params["tasks"] = .object(Dictionary(uniqueKeysWithValues: inputs.successorTasks.map { ($0.name, $0.params) }))
        params["task_order"] = .strings(inputs.successorTasks.map(\.name))
        results.append(result(detector.kind, overall, params, since: start))
        results.append(AnalysisResult(
          kind: "detect.successor.per_task", axes: [ResultAxis(name: "task", labels: inputs.successorTasks.map(\.name)), .layers(L), .heads(NH)],
          values: ResultGrid(shape: [perTask.count, L, NH], numbers: perTask.flatMap { $0 }), params: params,
          model: subject.identity, elapsedMs: elapsedMilliseconds(since: start)))
      case .copy, .negativeCopy:
        let (copy, negative) = try CopyScore.compute(subject, tokens: inputs.copyTokens, k: inputs.copyTopK, addingTokenEmbedding: inputs.addingTokenEmbedding, progress: progress)
        var params = embedding
        params["tokens"] = .integers(inputs.copyTokens)
        params["top_k"] = .integer(inputs.copyTopK)
        results.append(result(detector.kind, detector == .copy ? copy : negative, params, since: start))
      }
    }
    return results
  }
}
