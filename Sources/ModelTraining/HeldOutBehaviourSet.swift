import Corpus
import Foundation

/// The held-out behaviour set of the default model: IOI templates and successor frames written by
/// hand, apart from the corpus generator, in `Resources/heldout-behaviour.json` (Sources/Corpus
/// never reads it, and a test checks that the generator never writes any of them). A model that
/// scores well here has learnt IOI (Wang et al., ICLR 2023; papers.md section 3) and succession
/// (Gould et al., ICLR 2024; papers.md section 2) rather than the corpus's surface forms.
///
/// - IOI: every template (BABA form, "[B]" the subject S named twice, "[A]" the indirect object
///   IO) with every name pair, in both orders; the ABBA form swaps the first [B] and [A], as Wang
///   et al.'s dataset does. Places and objects cycle through `Lexicon.places` and
///   `Lexicon.objects` so that every prompt is fixed without a seed.
/// - Succession: every frame with every run of its kind that has a next item. `{}` is the next
///   item, `{^}` the same capitalised; the frame ends with the answer slot, " {?}" (the answer
///   takes a leading space), "{?}" (none, after a newline or a bare comma) or "{^?}" (none, and
///   capitalised). Numbers use runs starting at 1, 18, 35, ... so that each frame has about a
///   dozen of them; the other kinds use every start.
public struct HeldOutBehaviourSet: Sendable {
  public var ioiTemplates: [String]
  public var namePairs: [(String, String)]
  /// Keyed by `SuccessorKind.rawValue`.
  public var successorFrames: [String: [String]]

  /// The set committed beside this file.
  public static func load() throws -> HeldOutBehaviourSet {
    guard let url = Bundle.module.url(forResource: "heldout-behaviour", withExtension: "json") else {
      throw RecipeError.unreadable(file: "heldout-behaviour.json", reason: "missing from the ModelTraining bundle")
    }
    return try load(url)
  }

  public static func load(_ url: URL) throws -> HeldOutBehaviourSet {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw RecipeError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
          let ioi = json["ioi"] as? [String: Any],
          let templates = ioi["templates"] as? [String],
          let pairs = ioi["namePairs"] as? [[String]], pairs.allSatisfy({ $0.count == 2 }),
          let successor = json["successor"] as? [String: [String]]
    else {
      throw RecipeError.unreadable(file: url.path, reason: "expected {ioi: {templates, namePairs}, successor: {kind: [frame]}}")
    }
    for key in successor.keys where SuccessorKind(rawValue: key) == nil {
      throw RecipeError.unreadable(file: url.path, reason: "unknown successor kind '\(key)'")
    }
    return HeldOutBehaviourSet(ioiTemplates: templates, namePairs: pairs.map { ($0[0], $0[1]) }, successorFrames: successor)
  }

  /// Every IOI prompt in one order: templates x name pairs. The first name of a pair is the IO.
  public func ioiPrompts(order: IOIOrder) -> [IOIPrompt] {
    var prompts: [IOIPrompt] = []
    for (t, template) in ioiTemplates.enumerated() {
      for (p, (io, s)) in namePairs.enumerated() {
        let place = Lexicon.places[(7 * t + p) % Lexicon.places.count]
        let object = Lexicon.objects[(11 * t + 3 * p) % Lexicon.objects.count]
        let text = IOIPrompt.fill(template, order: order, io: io, s: s, place: place, object: object)
        prompts.append(IOIPrompt(text: text, io: " " + io, s: " " + s, order: order, template: t, place: place, object: object))
      }
    }
    return prompts
  }

  /// Every successor prompt of `kind`, with the frame index each came from.
  public func successorPrompts(kind: SuccessorKind) -> [(frame: Int, prompt: SuccessorPrompt)] {
    let items = kind.items
    var result: [(Int, SuccessorPrompt)] = []
    for (f, frame) in (successorFrames[kind.rawValue] ?? []).enumerated() {
      let shown = frame.components(separatedBy: "{}").count - 1 + frame.components(separatedBy: "{^}").count - 1
      let starts: [Int]
      if kind.wraps {
        starts = Array(items.indices)
      } else {
        let last = items.count - 1 - shown  // the answer, at start + shown, must exist
        starts = kind == .digits ? Array(stride(from: 0, through: last, by: 17)) : Array(0...last)
      }
      for start in starts {
        let run = kind.run(from: start, count: shown + 1)
        if let prompt = Self.render(frame, run: run, kind: kind) { result.append((f, prompt)) }
      }
    }
    return result
  }

  /// The frame with its slots filled from `run` (the last item is the answer); nil when the
  /// frame's slots do not match the run.
  static func render(_ frame: String, run: [String], kind: SuccessorKind) -> SuccessorPrompt? {
    let answerSlots: [(slot: String, space: Bool, capital: Bool)] = [(" {?}", true, false), ("{^?}", false, true), ("{?}", false, false)]
    guard let answer = answerSlots.first(where: { frame.hasSuffix($0.slot) }) else { return nil }
    var body = Substring(frame.dropLast(answer.slot.count))
    var text = ""
    var index = 0
    while let open = body.firstIndex(of: "{") {
      text += body[..<open]
      let rest = body[open...]
      let capital = rest.hasPrefix("{^}")
      guard capital || rest.hasPrefix("{}"), index < run.count - 1 else { return nil }
      text += capital ? CorpusText.capitalizingFirst(run[index]) : run[index]
      index += 1
      body = rest.dropFirst(capital ? 3 : 2)
    }
    text += body
    guard index == run.count - 1 else { return nil }
    let next = answer.capital ? CorpusText.capitalizingFirst(run[index]) : run[index]
    return SuccessorPrompt(kind: kind, text: text, answer: (answer.space ? " " : "") + next)
  }

  /// The separator a frame uses, for reports: the text between its last shown item and the
  /// answer ("; ", " - ", "\n", ", ", " then ", or a frame's own words such as " and swim on ").
  public static func separator(of frame: String) -> String {
    let answerSlots = ["{^?}", "{?}"]
    guard let answer = answerSlots.lazy.compactMap({ frame.range(of: $0, options: .backwards) }).first,
          let last = frame[..<answer.lowerBound].range(of: "}", options: .backwards)
    else { return "" }
    return String(frame[last.upperBound..<answer.lowerBound])
  }
}
