/// A successor evaluation prompt (Gould et al., papers.md section 2): a run of consecutive items
/// in the surface form the corpus uses, stopping right before the next item.
public struct SuccessorPrompt: Equatable, Sendable {
  public var kind: SuccessorKind
  /// E.g. " Monday, Tuesday, Wednesday," or " 17 18 19".
  public var text: String
  /// The next item with its leading space, e.g. " Thursday" or " 20".
  public var answer: String

  public init(kind: SuccessorKind, text: String, answer: String) {
    self.kind = kind
    self.text = text
    self.answer = answer
  }
}

extension CorpusGenerator {
  /// `count` prompts of one kind, deterministic in `seed`: runs of 3-5 consecutive items in the
  /// kind's usual surface form (`SuccessorKind.promptText`), as bare lists like those that start
  /// successor documents. The item before the answer is uniform over the items that have a
  /// successor and can end a run: for numbers, 3...199 (so the answer is at most 200); days and
  /// months wrap (" Friday, Saturday, Sunday," -> " Monday").
  public static func successorPrompts(kind: SuccessorKind, count: Int, seed: UInt64)
    -> [SuccessorPrompt]
  {
    var rng = CorpusRandom(seed: seed ^ 0x5355_4343_5052_4F4D)  // "SUCCPROM"
    let items = kind.items
    return (0..<count).map { _ in
      let length = rng.int(in: 3...5)
      let last: Int
      if kind.wraps {
        last = rng.below(items.count)
      } else {
        last = rng.int(in: (length - 1)...(items.count - 2))
      }
      let start = (last - (length - 1) + items.count) % items.count
      let run = kind.run(from: start, count: length)
      return SuccessorPrompt(
        kind: kind, text: kind.promptText(run), answer: " " + items[(last + 1) % items.count])
    }
  }
}
