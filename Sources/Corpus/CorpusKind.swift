/// The four kinds of document in the training corpus, one per behaviour the workbench studies.
public enum CorpusKind: String, CaseIterable, Sendable {
  /// Indirect-object sentences: Wang et al.'s templates and freely composed ones (IOI circuit).
  case ioi
  /// Runs of consecutive days, months, numbers, letters... (successor heads, Gould et al.).
  case successor
  /// A random span of words repeated once or twice (induction heads).
  case repeatedSpan
  /// Short stories with names and pronouns.
  case story
}

/// How often each kind of document is drawn. The weights need not sum to one; they are
/// normalised.
public struct CorpusMix: Equatable, Sendable {
  public var ioi: Double
  public var successor: Double
  public var repeatedSpan: Double
  public var story: Double

  public init(ioi: Double, successor: Double, repeatedSpan: Double, story: Double) {
    precondition(
      [ioi, successor, repeatedSpan, story].allSatisfy { $0 >= 0 && $0.isFinite }
        && ioi + successor + repeatedSpan + story > 0,
      "corpus weights must be finite, non-negative and not all zero")
    self.ioi = ioi
    self.successor = successor
    self.repeatedSpan = repeatedSpan
    self.story = story
  }

  /// The mix of the reference run that produced IOI, succession and induction in a 4-layer
  /// model (default-model.md): 38% IOI, 27% successor runs, 12% repeated spans, 23% stories.
  public static let `default` = CorpusMix(
    ioi: 0.38, successor: 0.27, repeatedSpan: 0.12, story: 0.23)

  /// The weight of `kind`.
  public func weight(of kind: CorpusKind) -> Double {
    switch kind {
    case .ioi: return ioi
    case .successor: return successor
    case .repeatedSpan: return repeatedSpan
    case .story: return story
    }
  }

  /// The weight of `kind` as a fraction of the total.
  public func fraction(of kind: CorpusKind) -> Double {
    weight(of: kind) / CorpusKind.allCases.reduce(0) { $0 + weight(of: $1) }
  }
}

/// A generated document and the kind that produced it.
public struct CorpusDocument: Equatable, Sendable {
  public var kind: CorpusKind
  public var text: String

  public init(kind: CorpusKind, text: String) {
    self.kind = kind
    self.text = text
  }
}
