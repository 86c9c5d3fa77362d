/// An IOI evaluation prompt (Wang et al., papers.md section 3): the text stops right before the
/// answer, at END (the final " to"), where the metric `logit(io) - logit(s)` is read.
public struct IOIPrompt: Equatable, Sendable {
  /// The prompt, e.g. "When Mary and John went to the store, John gave a drink to".
  public var text: String
  /// The indirect object, the correct answer, with its leading space: " Mary".
  public var io: String
  /// The subject, named twice in the text, with its leading space: " John".
  public var s: String
  public var order: IOIOrder
  /// The template's index in its list.
  public var template: Int
  public var place: String
  public var object: String

  public init(
    text: String, io: String, s: String, order: IOIOrder, template: Int, place: String,
    object: String
  ) {
    self.text = text
    self.io = io
    self.s = s
    self.order = order
    self.template = template
    self.place = place
    self.object = object
  }
}

extension IOIPrompt {
  /// The prompt part of a BABA-form template ("[B]" S, "[A]" IO, ending with " [A]") in `order`,
  /// with its slots filled; names without leading spaces.
  public static func fill(
    _ template: String, order: IOIOrder, io: String, s: String, place: String, object: String
  ) -> String {
    IOITemplate.fill(
      IOITemplate.promptPart(IOITemplate.ordered(template, order)), io: io, s: s, place: place,
      object: object)
  }
}

extension IOIPrompt {
  /// The prompt part of a BABA-form template in `order`, its slots still open: "[A]" (IO), "[B]"
  /// (S, twice), "[PLACE]" and "[OBJECT]", and the final " [A]" (the answer) removed. For callers
  /// that fill the slots themselves, e.g. with three different names for Wang et al.'s p_ABC.
  public static func promptTemplate(_ template: String, order: IOIOrder) -> String {
    IOITemplate.promptPart(IOITemplate.ordered(template, order))
  }
}

extension CorpusGenerator {
  /// `count` IOI prompts in one name order from Wang et al.'s templates, deterministic in
  /// `seed`. IO and S are two distinct random names of `Lexicon.names`; the place and object are
  /// random from `Lexicon.places` and `Lexicon.objects`. Templates are used equally often: each
  /// block of as many prompts as there are templates uses every template once, in random order
  /// (mean ablation is computed per template, papers.md section 3). The ABBA and BABA sets of one
  /// seed are paired: same templates, names, places and objects, only the first two names swapped.
  public static func ioiPrompts(
    count: Int, order: IOIOrder, seed: UInt64
  ) -> [IOIPrompt] {
    var rng = CorpusRandom(seed: seed ^ 0x494F_4950_524F_4D50)  // "IOIPROMP"
    let set = trainingIOITemplates
    var schedule: [Int] = []
    var prompts: [IOIPrompt] = []
    prompts.reserveCapacity(count)
    while prompts.count < count {
      if schedule.isEmpty { schedule = rng.shuffled(Array(set.indices)) }
      let index = schedule.removeLast()
      let names = IOIDocument.pickNames(2, excluding: [], rng: &rng)
      let (io, s) = (names[0], names[1])
      let place = rng.pick(Lexicon.places)
      let object = rng.pick(Lexicon.objects)
      let text = IOIPrompt.fill(set[index], order: order, io: io, s: s, place: place, object: object)
      prompts.append(
        IOIPrompt(
          text: text, io: " " + io, s: " " + s, order: order, template: index, place: place,
          object: object))
    }
    return prompts
  }
}
