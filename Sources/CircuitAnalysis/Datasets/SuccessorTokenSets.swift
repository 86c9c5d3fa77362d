import Corpus
import Tokenizers

/// The token sets of the successor score (Gould et al., "Successor Heads", ICLR 2024; papers.md
/// section 2), for one tokenizer: per task, every item that is one token with its leading space,
/// and every consecutive pair (t, succ(t)) whose two sides are both one token.
///
/// The tasks are the paper's eight (the `dataset` dict of `curt-tigges/circuits-over-time`):
/// numbers 1…200, number words one…twenty, ordinals first…tenth, days with Monday appended (so
/// Sunday -> Monday is a pair), day prefixes Mon…Sun, months with January appended, month
/// prefixes Jan…Dec, letters A…Z. As in the paper the prefixes do not wrap (the corpus's
/// prompts do; see `SuccessorKind.wraps`). A head succeeds on (t, s) when s is the argmax of its
/// effective-OV logits over the task's `tokens`.
public struct SuccessorTokenSets: Equatable, Sendable {
  /// One successor task: its name (a `SuccessorKind` raw value), its single-token items in
  /// order, and its pairs.
  public struct Task: Equatable, Sendable {
    public let name: String
    /// The single-token items, in list order: the candidates of the task's argmax.  [items]
    public let tokens: [Int]
    /// The consecutive pairs with both sides one token.  [pairs]
    public let pairs: [SuccessorPair]
    /// Every item in list order (cyclic lists repeat their first item at the end), nil where
    /// the word is not one token: the form the successor score reads.  [items (+1)]
    public let sequence: [Int?]
  }

  /// The tasks as the successor score (`HeadDetector.successor`) takes them.
  public var successorTasks: [SuccessorTask] { tasks.map { SuccessorTask(name: $0.name, tokens: $0.sequence) } }

  /// Tasks in `SuccessorKind` order; a task whose pairs were all filtered out is left out.
  public let tasks: [Task]
  /// Multi-token items (and tasks left without pairs).
  public let filtered: [FilteredItem]

  /// Task name -> its (token, successor) pairs.
  public var pairsByTask: [String: [SuccessorPair]] {
    Dictionary(uniqueKeysWithValues: tasks.map { ($0.name, $0.pairs) })
  }

  /// Whether the task's list wraps to its first item (days and months, as in the paper; the
  /// prefixes do not).
  static func wrapsInPaper(_ kind: SuccessorKind) -> Bool { kind == .days || kind == .months }

  /// The sets for `tokenizer`. Throws `emptyDataset` when no task keeps a pair.
  public init(tokenizer: BPETokenizer) throws {
    let tokens = try DatasetTokenizer(tokenizer)
    var filtered: [FilteredItem] = []
    var tasks: [Task] = []
    for kind in SuccessorKind.allCases {
      let words = tokens.singleTokenWords(kind.items, list: kind.rawValue, filtered: &filtered)
      let ids = Dictionary(words.map { ($0.word, $0.id) }, uniquingKeysWith: { a, _ in a })
      var sequence = kind.items
      if Self.wrapsInPaper(kind) { sequence.append(sequence[0]) }
      let pairs = zip(sequence, sequence.dropFirst()).compactMap { t, s -> SuccessorPair? in
        guard let a = ids[t], let b = ids[s] else { return nil }
        return SuccessorPair(token: a, successor: b)
      }
      if pairs.isEmpty {
        filtered.append(FilteredItem(list: kind.rawValue, item: "(task)", reason: "has no pair of single-token items"))
      } else {
        tasks.append(Task(name: kind.rawValue, tokens: words.map(\.id), pairs: pairs, sequence: sequence.map { ids[$0] }))
      }
    }
    guard !tasks.isEmpty else {
      throw AnalysisError.emptyDataset("no successor task has a pair of single-token items: " + filtered.map(\.description).joined(separator: "; "))
    }
    self.tasks = tasks
    self.filtered = filtered
  }
}

/// A token and its successor in one task, e.g. " Monday" -> " Tuesday".
public struct SuccessorPair: Equatable, Hashable, Sendable {
  public let token: Int
  public let successor: Int

  public init(token: Int, successor: Int) {
    self.token = token
    self.successor = successor
  }
}
