/// The deterministic generator of HeadLab's training corpus.
///
/// The corpus is built so that the behaviours the workbench studies are really learnt by the
/// small default model: indirect object identification (Wang et al., ICLR 2023), successor
/// sequences (Gould et al., ICLR 2024) and induction. The default mix is that of the reference
/// run in default-model.md: 38% IOI sentences, 27% successor runs, 12% repeated word spans and
/// 23% short stories. Each document is short (about 20-60 tokens) so that the trainer can pack
/// it into a 64-token row after a BOS.
///
/// A seed fixes every document: `CorpusGenerator(seed: 7)` yields the same stream in every run
/// and on every platform (see `CorpusRandom`). Evaluation prompts come from the same builders with
/// their own seeds (`ioiPrompts`, `successorPrompts`).
public struct CorpusGenerator: Sendable {
  /// The longest document, in approximate tokens, leaving room for the BOS in a 64-token row.
  public static let maximumTokens = 60

  public let seed: UInt64
  public let mix: CorpusMix
  private var rng: CorpusRandom

  public init(seed: UInt64, mix: CorpusMix = .default) {
    self.seed = seed
    self.mix = mix
    self.rng = CorpusRandom(seed: seed)
  }

  /// The next document, its kind drawn from the mix.
  public mutating func nextDocument() -> String {
    nextTaggedDocument().text
  }

  /// The next document and the kind that produced it.
  public mutating func nextTaggedDocument() -> CorpusDocument {
    let weights = CorpusKind.allCases.map { mix.weight(of: $0) }
    let kind = CorpusKind.allCases[rng.weightedIndex(weights)]
    return CorpusDocument(kind: kind, text: nextDocument(of: kind))
  }

  /// The next document of one kind, whatever the mix.
  public mutating func nextDocument(of kind: CorpusKind) -> String {
    switch kind {
    case .ioi: return IOIDocument.make(rng: &rng)
    case .successor: return SuccessorDocument.make(rng: &rng)
    case .repeatedSpan: return RepeatedSpanDocument.make(rng: &rng)
    case .story: return StoryDocument.make(rng: &rng)
    }
  }

  /// The next `count` documents from the mix.
  public mutating func documents(count: Int) -> [String] {
    (0..<count).map { _ in nextDocument() }
  }

  /// The next `count` documents of one kind.
  public mutating func documents(count: Int, of kind: CorpusKind) -> [String] {
    (0..<count).map { _ in nextDocument(of: kind) }
  }
}
