import Corpus
import Tokenizers

/// Successor prompts over the eight token sets of Gould et al., "Successor Heads" (ICLR 2024;
/// papers.md section 2): numbers, number words, ordinals, days, months, their short forms, and
/// letters (`SuccessorKind`). A prompt is a run of `runLength` consecutive items in the corpus's
/// usual surface form (" 17 18 19", " Monday, Tuesday, Wednesday,"), BOS first; the answer is the
/// next item.
///
/// Corruption: the same run shifted back by one item (" Sunday, Monday, Tuesday,"), which aligns
/// token by token with the clean run. The wrong token is the item before the answer (the clean
/// run's last item), which is exactly the corrupted run's own answer, so `logit(answer) -
/// logit(wrong)` is positive when the model continues the clean run and flips sign on the
/// corrupted one, as IOI's swap does.
///
/// Days and months (and their short forms) wrap as `SuccessorKind` does; the other kinds keep
/// the whole window (the item before the run through the answer) inside the list. A window is
/// used only if every item in it is one token with its leading space; a kind with no such window
/// is filtered out. Kinds are used equally often (every block of `kinds.count` prompts uses each
/// kind once, in random order), and the run's start is uniform among the usable windows.
public struct SuccessorDataset: Sendable {
  public var count: Int
  public var seed: UInt64
  /// Items shown before the answer (at least 2).
  public var runLength: Int
  public var kinds: [SuccessorKind]

  public init(count: Int = 100, seed: UInt64 = 0, runLength: Int = 3, kinds: [SuccessorKind] = SuccessorKind.allCases) {
    self.count = count
    self.seed = seed
    self.runLength = runLength
    self.kinds = kinds
  }

  public func build(tokenizer: BPETokenizer) throws -> PromptDataset {
    guard count >= 1 else { throw AnalysisError.invalidArgument("a successor dataset needs a count of at least 1, got \(count)") }
    guard runLength >= 2 else { throw AnalysisError.invalidArgument("a successor run needs at least 2 items, got \(runLength)") }
    let tokens = try DatasetTokenizer(tokenizer)
    var filtered: [FilteredItem] = []
    var windows: [(kind: SuccessorKind, starts: [Int], ids: [String: Int])] = []
    for kind in kinds {
      let words = tokens.singleTokenWords(kind.items, list: kind.rawValue, filtered: &filtered)
      let ids = Dictionary(words.map { ($0.word, $0.id) }, uniquingKeysWith: { a, _ in a })
      let starts = usableStarts(kind) { ids[$0] != nil }
      if starts.isEmpty {
        filtered.append(FilteredItem(list: kind.rawValue, item: "(task)", reason: "has no \(runLength + 2) consecutive single-token items (the item before the run, the run, the answer)"))
      } else {
        windows.append((kind, starts, ids))
      }
    }
    var pairs: [PromptPair] = []
    if !windows.isEmpty {
      var rng = CorpusRandom(seed: seed ^ 0x5355_4343_4441_5441)  // "SUCCDATA"
      var schedule: [Int] = []
      for _ in 0..<count {
        if schedule.isEmpty { schedule = rng.shuffled(Array(windows.indices)) }
        let (kind, starts, ids) = windows[schedule.removeLast()]
        let start = rng.pick(starts)
        // window: the item before the run, the run, the answer
        let window = kind.run(from: (start - 1 + kind.items.count) % kind.items.count, count: runLength + 2)
        let cleanRun = Array(window[1...runLength])
        let corruptedRun = Array(window[0..<runLength])
        let clean = kind.promptText(cleanRun)
        let corrupted = kind.promptText(corruptedRun)
        let answer = window[runLength + 1]
        let wrong = window[runLength]
        pairs.append(try PromptPair(
          clean: tokens.prompt(clean), corrupted: tokens.prompt(corrupted), answer: ids[answer]!, wrong: ids[wrong]!,
          template: "\(kind.rawValue).\(runLength)", cleanText: clean, corruptedText: corrupted,
          answerText: " " + answer, wrongText: " " + wrong, tokenText: tokenizer.tokenText))
      }
    }
    let params: [String: JSONValue] = [
      "seed": .integer(Int(truncatingIfNeeded: seed)), "run_length": .integer(runLength),
      "kinds": .strings(kinds.map(\.rawValue)),
    ]
    return try PromptDataset(name: "successor", pairs: pairs, filtered: filtered, params: params)
  }

  /// The run starts whose window (the item before the run through the answer) is made of
  /// usable items and, for a kind that does not wrap, stays inside the list.
  func usableStarts(_ kind: SuccessorKind, usable: (String) -> Bool) -> [Int] {
    let items = kind.items
    let window = runLength + 2
    guard window <= items.count else { return [] }
    let starts = kind.wraps ? Array(items.indices) : Array(1...(items.count - runLength - 1))
    return starts.filter { start in
      (0..<window).allSatisfy { usable(items[(start - 1 + $0 + items.count) % items.count]) }
    }
  }
}
