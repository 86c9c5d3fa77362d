import TransformerEngine

/// Clean and corrupted prompts as token ids, B rows each, with each row's answer and wrong token.
/// A clean row and its corrupted row align token by token (Heimersheim & Nanda 2024: patching
/// needs aligned positions). Rows may differ in length: the batch runs right-padded (the engine's
/// `PaddedBatch`), and metrics read each row's last real token. Sweeps indexed by position need
/// rows of one length.
public struct PromptPairBatch: Sendable, Equatable {
  public var clean: [[Int]]
  public var corrupted: [[Int]]
  public var answers: [Int]
  public var wrongs: [Int]
  /// Each row's template id, for mean ablation per template (Wang et al. 2022), when known.
  public var templates: [String]?

  /// Checks the shapes; `tokenText` renders the tokenisations in the misalignment error.
  public init(clean: [[Int]], corrupted: [[Int]], answers: [Int], wrongs: [Int], templates: [String]? = nil, tokenText: (Int) -> String) throws {
    guard !clean.isEmpty else { throw AnalysisError.emptyDataset("no prompt pairs given") }
    guard clean.count == corrupted.count, answers.count == clean.count, wrongs.count == clean.count else {
      throw AnalysisError.invalidArgument("a batch needs as many corrupted prompts, answers and wrong tokens as clean prompts: got \(clean.count) clean, \(corrupted.count) corrupted, \(answers.count) answers, \(wrongs.count) wrong")
    }
    for (c, k) in zip(clean, corrupted) where c.count != k.count {
      throw AnalysisError.misalignedPair(clean: c.map(tokenText), corrupted: k.map(tokenText))
    }
    self.clean = clean
    self.corrupted = corrupted
    self.answers = answers
    self.wrongs = wrongs
    if let templates, templates.count != clean.count {
      throw AnalysisError.invalidArgument("\(clean.count) prompts but \(templates.count) template names")
    }
    self.templates = templates
  }

  /// One clean/corrupted pair.
  public init(clean: [Int], corrupted: [Int], answer: Int, wrong: Int, tokenText: (Int) -> String) throws {
    try self.init(clean: [clean], corrupted: [corrupted], answers: [answer], wrongs: [wrong], tokenText: tokenText)
  }

  public var count: Int { clean.count }
  /// T, the longest row's length.
  public var length: Int { clean.map(\.count).max()! }
  /// Each row's real length.
  public var lengths: [Int] { clean.map(\.count) }
  public var hasUniformLength: Bool { Set(lengths).count == 1 }
  /// The clean and corrupted rows, right-padded.
  public var cleanBatch: PaddedBatch { PaddedBatch(clean) }
  public var corruptedBatch: PaddedBatch { PaddedBatch(corrupted) }

  /// The parameters that rerun the batch, for a result's `params`.
  public var params: [String: JSONValue] {
    if count == 1 {
      return ["clean_ids": .integers(clean[0]), "corrupted_ids": .integers(corrupted[0]),
              "answer_id": .integer(answers[0]), "wrong_id": .integer(wrongs[0])]
    }
    return ["clean_ids": .integerRows(clean), "corrupted_ids": .integerRows(corrupted),
            "answer_ids": .integers(answers), "wrong_ids": .integers(wrongs)]
  }

  /// Position labels: "p:token", with "p:clean/corrupted" where the first rows differ (plain
  /// indices for rows of different lengths).
  public func positionLabels(_ tokenText: (Int) -> String) -> [String] {
    guard hasUniformLength else { return (0..<length).map(String.init) }
    return (0..<length).map { p in
      let c = tokenText(clean[0][p]), k = tokenText(corrupted[0][p])
      return c == k ? c : "\(c)/\(k)"
    }
  }
}

/// A metric chosen by name, built for whichever run it is measured on.
public struct MetricChoice: Sendable, Equatable {
  public var kind: Metric.Kind
  /// k for top-k accuracy.
  public var k: Int

  public init(_ kind: Metric.Kind = .logitDifference, k: Int = 1) {
    self.kind = kind
    self.k = k
  }

  public static let logitDifference = MetricChoice(.logitDifference)

  /// The metric on `pair`'s rows. KL divergence is measured against the clean run
  /// (`cleanLogits`, [B,1,V]); loss uses the clean prompt's next tokens as targets.
  public func metric(for pair: PromptPairBatch, cleanLogits: () throws -> Tensor) throws -> Metric {
    switch kind {
    case .logitDifference: return .logitDifference(answers: pair.answers, wrongs: pair.wrongs)
    case .logProbability: return .logProbability(of: pair.answers)
    case .probability: return .probability(of: pair.answers)
    case .topKAccuracy:
      guard k >= 1 else { throw AnalysisError.invalidArgument("top-k accuracy needs k >= 1, got \(k)") }
      return .topKAccuracy(answers: pair.answers, k: k)
    case .klDivergence: return .klDivergence(referenceLogits: try cleanLogits())
    case .loss:
      let T = pair.length
      return .loss(targets: pair.clean.map { Array($0.dropFirst()) + Array(repeating: -1, count: T - $0.count + 1) })
    }
  }

  public var params: JSONValue { kind == .topKAccuracy ? ["name": .string(kind.rawValue), "k": .integer(k)] : .string(kind.rawValue) }
}

extension PromptPairBatch {
  /// Prompts are run in blocks of this many rows, the same blocks whether a dataset runs whole or
  /// in shards: a prompt's numbers then come out of the same matrix products, bit for bit, and
  /// shards merge exactly into the single run.
  public static let blockSize = 8

  /// The batch in blocks of `blockSize` consecutive rows.
  var blocks: [PromptPairBatch] {
    stride(from: 0, to: count, by: Self.blockSize).map { self.rows($0..<min(count, $0 + Self.blockSize)) }
  }

  func rows(_ range: Range<Int>) -> PromptPairBatch {
    var out = self
    out.clean = Array(clean[range])
    out.corrupted = Array(corrupted[range])
    out.answers = Array(answers[range])
    out.wrongs = Array(wrongs[range])
    out.templates = templates.map { Array($0[range]) }
    return out
  }

  /// Shard `index` of `count` (0-based, as `$SLURM_ARRAY_TASK_ID` and `$JOB_COMPLETION_INDEX`
  /// count): contiguous whole blocks, blocks·index/n ..< blocks·(index+1)/n, so the shards in order
  /// are the batch in order and each runs the blocks the single run does.
  public func shard(_ index: Int, of count: Int) throws -> PromptPairBatch {
    guard count >= 1, index >= 0, index < count else {
      throw AnalysisError.invalidArgument("shard \(index)/\(count) does not exist: write i/n with 0 <= i < n")
    }
    let blocks = (self.count + Self.blockSize - 1) / Self.blockSize
    let first = blocks * index / count, last = blocks * (index + 1) / count
    let rows = (first * Self.blockSize)..<min(self.count, last * Self.blockSize)
    guard !rows.isEmpty else {
      throw AnalysisError.emptyDataset("shard \(index)/\(count) of \(self.count) prompts (\(blocks) blocks of \(Self.blockSize)) is empty; use fewer shards")
    }
    return self.rows(rows)
  }
}
