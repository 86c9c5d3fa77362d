import Corpus
import Tokenizers

/// The indirect-object-identification dataset p_IOI of Wang et al. (ICLR 2023; papers.md section
/// 3) with its corrupted set, built from their 15 templates (`CorpusGenerator
/// .trainingIOITemplates`), 100 names (`Lexicon.names`), 8 places and 8 objects
/// (`Lexicon.ioiPlaces`, `Lexicon.ioiObjects`), keeping only the words that are one token with
/// their leading space.
///
/// Each clean prompt stops at END (the final " to"); the answer is the indirect object IO and the
/// wrong token the subject S, so the metric is Wang et al.'s `logit(IO) - logit(S)`. Templates are
/// used equally often: every block of 15 prompts uses each template once, in random order.
/// Deterministic in `seed` (the corpus's xoshiro256** generator).
public struct IOIDataset: Sendable {
  /// The order in which a prompt introduces its two names.
  public enum Order: String, CaseIterable, Sendable {
    /// IO first: "When Mary and John went to the store, John gave a drink to" -> " Mary".
    case abba
    /// S first: "When John and Mary went to the store, John gave a drink to" -> " Mary".
    case baba
    /// ABBA for even prompt indices, BABA for odd ones.
    case mixed
  }

  /// How the corrupted prompt of a pair is made.
  public enum Corruption: String, CaseIterable, Sendable {
    /// p_ABC: IO, S1 and S2 replaced by three names drawn independently of each other and of
    /// the clean names (all five distinct), so that no answer is plausible (Wang et al.'s
    /// `gen_flipped_prompts` with "RAND" for IO, S and S1). The reference distribution of mean
    /// ablation.
    case abc
    /// IO and S exchanged everywhere: the corrupted prompt's own answer is the clean prompt's
    /// wrong token, so the logit difference `logit(IO) - logit(S)` flips sign.
    case swap
  }

  public var count: Int
  public var seed: UInt64
  public var order: Order
  public var corruption: Corruption
  /// Names without leading spaces; those that are not one token (as " Name") are filtered out.
  public var names: [String]
  public var places: [String]
  public var objects: [String]

  public init(
    count: Int = 100, seed: UInt64 = 0, order: Order = .mixed, corruption: Corruption = .abc,
    names: [String] = Lexicon.names, places: [String] = Lexicon.ioiPlaces,
    objects: [String] = Lexicon.ioiObjects
  ) {
    self.count = count
    self.seed = seed
    self.order = order
    self.corruption = corruption
    self.names = names
    self.places = places
    self.objects = objects
  }

  /// The dataset for `tokenizer`. Throws `emptyDataset` when filtering leaves fewer than five
  /// names (two clean and three ABC names) or no place or object, `invalidArgument` for a
  /// count below 1.
  public func build(tokenizer: BPETokenizer) throws -> PromptDataset {
    guard count >= 1 else { throw AnalysisError.invalidArgument("an IOI dataset needs a count of at least 1, got \(count)") }
    let tokens = try DatasetTokenizer(tokenizer)
    var filtered: [FilteredItem] = []
    let names = tokens.singleTokenWords(self.names, list: "names", filtered: &filtered)
    let places = tokens.singleTokenWords(self.places, list: "places", filtered: &filtered)
    let objects = tokens.singleTokenWords(self.objects, list: "objects", filtered: &filtered)
    var pairs: [PromptPair] = []
    if names.count >= 5, !places.isEmpty, !objects.isEmpty {
      var rng = CorpusRandom(seed: seed ^ 0x494F_4944_4154_4131)  // "IOIDATA1"
      let templates = CorpusGenerator.trainingIOITemplates
      var schedule: [Int] = []
      for n in 0..<count {
        if schedule.isEmpty { schedule = rng.shuffled(Array(templates.indices)) }
        let t = schedule.removeLast()
        let order: IOIOrder = self.order == .baba || (self.order == .mixed && n % 2 == 1) ? .baba : .abba
        let picked = rng.distinctIndices(2, below: names.count)
        let (io, s) = (names[picked[0]], names[picked[1]])
        let place = rng.pick(places).word
        let object = rng.pick(objects).word
        let slots = IOIPrompt.promptTemplate(templates[t], order: order)
        let clean = IOISlots.fill(slots, io: io.word, s: [s.word], place: place, object: object)
        let corrupted: String
        switch corruption {
        case .abc:
          let others = names.indices.filter { !picked.contains($0) }
          let fresh = rng.distinctIndices(3, below: others.count).map { names[others[$0]] }
          corrupted = IOISlots.fill(slots, io: fresh[0].word, s: [fresh[1].word, fresh[2].word], place: place, object: object)
        case .swap:
          corrupted = IOISlots.fill(slots, io: s.word, s: [io.word], place: place, object: object)
        }
        var pair = try PromptPair(
          clean: tokens.prompt(clean), corrupted: tokens.prompt(corrupted), answer: io.id, wrong: s.id,
          template: "\(order.rawValue).\(t)", cleanText: clean, corruptedText: corrupted,
          answerText: io.text, wrongText: s.text, tokenText: tokenizer.tokenText)
        pair.rolePositions = IOISlots.rolePositions(pair.clean, io: io.id, s: s.id)
        pairs.append(pair)
      }
    } else if names.count < 5 {
      filtered.append(FilteredItem(list: "names", item: "(all)", reason: "only \(names.count) single-token names remain; IOI with ABC needs 5"))
    }
    var params: [String: JSONValue] = [
      "seed": .integer(Int(truncatingIfNeeded: seed)), "order": .string(order.rawValue),
      "corruption": .string(corruption.rawValue),
    ]
    if self.names != Lexicon.names { params["names"] = .strings(self.names) }
    if self.places != Lexicon.ioiPlaces { params["places"] = .strings(self.places) }
    if self.objects != Lexicon.ioiObjects { params["objects"] = .strings(self.objects) }
    return try PromptDataset(name: "ioi", pairs: pairs, filtered: filtered, params: params)
  }
}

/// Filling the slots of an IOI prompt template occurrence by occurrence, so the two mentions of
/// S can take different names (p_ABC's S1 and S2).
enum IOISlots {
  /// `slots` with "[PLACE]" and "[OBJECT]" filled, "[A]" by `io`, and the k-th "[B]" by
  /// `s[min(k, s.count - 1)]` (one name for both mentions of S, or one per mention).
  static func fill(_ slots: String, io: String, s: [String], place: String, object: String) -> String {
    var text = slots.replacingOccurrences(of: "[PLACE]", with: place)
      .replacingOccurrences(of: "[OBJECT]", with: object)
      .replacingOccurrences(of: "[A]", with: io)
    var mention = 0
    while let range = text.range(of: "[B]") {
      text.replaceSubrange(range, with: s[min(mention, s.count - 1)])
      mention += 1
    }
    return text
  }

  /// Wang et al.'s word positions in a clean prompt's ids: IO, S1, S2, S1+1 and END.
  static func rolePositions(_ ids: [Int], io: Int, s: Int) -> [String: Int] {
    var roles: [String: Int] = ["END": ids.count - 1]
    if let p = ids.firstIndex(of: io) { roles["IO"] = p }
    let mentions = ids.indices.filter { ids[$0] == s }
    if mentions.count >= 1 {
      roles["S1"] = mentions[0]
      roles["S1+1"] = mentions[0] + 1
    }
    if mentions.count >= 2 { roles["S2"] = mentions[1] }
    return roles
  }
}
