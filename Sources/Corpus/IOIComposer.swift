import Foundation

/// IOI sentences assembled from interchangeable clauses.
///
/// Wang et al.'s 15 templates (papers.md section 3) share one skeleton: two names introduced
/// together, then the subject S acting towards the other name, the indirect object IO. The
/// reference run (default-model.md) found that a model trained on the templates alone
/// generalised poorly to unseen ones (85% on held-out BABA prompts) and that freely combined
/// clauses, verbs, places and orders help. This composer varies every part of the skeleton —
/// opener, how the names are introduced, a filler sentence, the bridge, the verb and its object —
/// while keeping what makes the task well defined: each name appears exactly once before S acts,
/// S appears again as the subject, and the sentence ends with the IO.
///
/// It never uses the openers or verbs of `CorpusGenerator.heldOutIOITemplates`.
enum IOIComposer {
  /// What the two names do together ("[X] and [Y] went to the [P]").
  struct Scene {
    let text: String
    /// A "were ...ing" predicate, which can follow "While".
    let progressive: Bool
    /// The scene introduces an object ("got a [O]"), so the action may refer to it as "it".
    let introducesObject: Bool
  }

  static let scenes: [Scene] = [
    Scene(text: "went to the [P]", progressive: false, introducesObject: false),
    Scene(text: "walked to the [P]", progressive: false, introducesObject: false),
    Scene(text: "drove to the [P]", progressive: false, introducesObject: false),
    Scene(text: "ran to the [P]", progressive: false, introducesObject: false),
    Scene(text: "came back from the [P]", progressive: false, introducesObject: false),
    Scene(text: "were at the [P]", progressive: false, introducesObject: false),
    Scene(text: "met at the [P]", progressive: false, introducesObject: false),
    Scene(text: "had lunch at the [P]", progressive: false, introducesObject: false),
    Scene(text: "had dinner at the [P]", progressive: false, introducesObject: false),
    Scene(text: "had a lot of fun at the [P]", progressive: false, introducesObject: false),
    Scene(text: "had a long argument", progressive: false, introducesObject: false),
    Scene(text: "had a long talk", progressive: false, introducesObject: false),
    Scene(text: "were working at the [P]", progressive: true, introducesObject: false),
    Scene(text: "were waiting at the [P]", progressive: true, introducesObject: false),
    Scene(text: "were sitting in the [P]", progressive: true, introducesObject: false),
    Scene(text: "were playing at the [P]", progressive: true, introducesObject: false),
    Scene(text: "were walking to the [P]", progressive: true, introducesObject: false),
    Scene(text: "were commuting to the [P]", progressive: true, introducesObject: false),
    Scene(text: "were thinking about going to the [P]", progressive: true, introducesObject: false),
    Scene(text: "got a [O] at the [P]", progressive: false, introducesObject: true),
    Scene(text: "found a [O] at the [P]", progressive: false, introducesObject: true),
    Scene(text: "bought a [O] at the [P]", progressive: false, introducesObject: true),
    Scene(text: "saw a [O] at the [P]", progressive: false, introducesObject: true),
    Scene(text: "looked for a [O] in the [P]", progressive: false, introducesObject: true),
  ]

  /// Introductions that do not join the names with "and": "[X] met [Y] at the [P]".
  static let pairings: [String] = [
    "[X] met [Y] at the [P]",
    "[X] saw [Y] at the [P]",
    "[X] waited for [Y] at the [P]",
    "[X] ran into [Y] at the [P]",
    "[X] had lunch with [Y] at the [P]",
    "[X] played with [Y] at the [P]",
    "[X] went to the [P] with [Y]",
    "[X] walked to the [P] with [Y]",
  ]

  /// Openers before a main-clause introduction ("Then, [X] and [Y] ..."). `[D]` is a day and
  /// `[M]` a month.
  static let openers: [String] = [
    "", "", "", "Then, ", "Later, ", "Afterwards, ", "After the lunch, ", "That day, ",
    "In the morning, ", "In the evening, ", "On [D], ", "One day, ", "Yesterday, ",
    "After school, ", "After work, ", "At night, ", "In [M], ",
  ]

  /// Subordinating words before a subordinate introduction ("When [X] and [Y] ..., [S] ...").
  /// "While" is kept for progressive scenes.
  static let subordinators: [String] = ["When", "After", "As"]

  /// Sentences between the introduction and the action that name nobody.
  static let fillers: [String] = [
    "They talked for a while.", "It was a nice day.", "The [P] was very busy.",
    "They were happy.", "It was late.", "They sat down.", "It was a long day.",
  ]

  /// Words that start the action sentence after a full stop.
  static let bridges: [String] = [
    "", "", "Then ", "Later, ", "Afterwards ", "After that, ", "Soon ", "In the end, ",
    "Later that day, ",
  ]

  /// Links that join the action to a main-clause introduction in one sentence.
  static let coordinators: [String] = [
    ", and ", ", and then ", ", and afterwards ", ", so ", ", then ",
  ]

  /// Actions that give or show an object, written before the IO: "[S] gave a [O] to".
  static let objectActions: [String] = [
    "gave a [O] to", "gave the [O] to", "handed a [O] to", "handed the [O] to",
    "passed the [O] to", "sent a [O] to", "showed the [O] to", "threw the [O] to",
    "brought a [O] to", "sold the [O] to", "lent the [O] to", "decided to give a [O] to",
    "decided to give the [O] to", "wanted to give a [O] to", "tried to give the [O] to",
    "tried to hand a [O] to", "gave a small [O] to", "shared the [O] with",
  ]

  /// Actions that refer back to an object the scene introduced.
  static let pronounActions: [String] = [
    "gave it to", "handed it to", "passed it to", "showed it to", "threw it to", "sold it to",
    "decided to give it to", "wanted to give it to",
  ]

  /// Actions without an object.
  static let plainActions: [String] = [
    "said to", "said hello to", "said goodbye to", "talked to", "waved to", "smiled at",
    "looked at", "wrote a letter to", "sent a letter to", "spoke to", "sang a song to",
    "called out to", "walked over to", "ran over to", "listened to", "turned to", "played with",
  ]

  /// A composed IOI sentence up to (not including) the IO at its end, e.g. "On Friday, Mary met
  /// John at the park. It was late. Then John handed a cup to". `io` and `s` are names without
  /// leading spaces.
  static func prompt(io: String, s: String, order: IOIOrder, rng: inout CorpusRandom) -> String {
    let (x, y) = order == .baba ? (s, io) : (io, s)
    let place = rng.pick(Lexicon.places)
    let sceneObject = rng.pick(Lexicon.objects)

    let scene = rng.pick(scenes)
    let opener = rng.pick(openers)
    let action: String
    var introducesObject = scene.introducesObject

    var text: String
    switch rng.below(20) {
    case 0..<7:  // two sentences: "[X] and [Y] went to the [P]. [S] gave ..."
      let friends = opener.isEmpty && rng.chance(0.1) ? "Friends " : opener
      text = friends + x + " and " + y + " " + scene.text + "."
      text += filler(rng: &rng)
      text += " " + rng.pick(bridges) + s + " "
    case 7..<13:  // subordinate: "When [X] and [Y] went to the [P], [S] gave ..."
      let words = scene.progressive ? subordinators + ["While", "While"] : subordinators
      text = rng.pick(words) + " " + x + " and " + y + " " + scene.text + ", " + s + " "
    case 13..<16:  // coordinated: "[X] and [Y] went to the [P], and then [S] gave ..."
      text = opener + x + " and " + y + " " + scene.text + rng.pick(coordinators) + s + " "
    default:  // paired: "[X] met [Y] at the [P]. [S] gave ..."
      introducesObject = false
      text = opener + rng.pick(pairings).replacingSlots(["[X]": x, "[Y]": y]) + "."
      text += filler(rng: &rng)
      text += " " + rng.pick(bridges) + s + " "
    }

    var actionObject = rng.pick(Lexicon.objects)
    if introducesObject {
      let roll = rng.unit()
      if roll < 0.5 {
        action = rng.pick(pronounActions)
      } else if roll < 0.7 {
        actionObject = sceneObject
        action = rng.pick(objectActions)
      } else {
        action = rng.chance(0.7) ? rng.pick(objectActions) : rng.pick(plainActions)
      }
    } else {
      action = rng.chance(0.7) ? rng.pick(objectActions) : rng.pick(plainActions)
    }
    text += action.replacingSlots(["[O]": actionObject])

    let day = rng.pick(Lexicon.days)
    let month = rng.pick(Lexicon.months)
    return CorpusText.capitalizingFirst(
      text.replacingSlots(["[P]": place, "[O]": sceneObject, "[D]": day, "[M]": month]))
  }

  /// A filler sentence with its leading space, or nothing (two times in three).
  private static func filler(rng: inout CorpusRandom) -> String {
    rng.below(3) == 0 ? " " + rng.pick(fillers) : ""
  }
}

extension String {
  /// The string with each slot (a bracketed key such as "[P]") replaced by its value.
  func replacingSlots(_ values: KeyValuePairs<String, String>) -> String {
    var result = self
    for (slot, value) in values where result.contains(slot) {
      result = result.replacingOccurrences(of: slot, with: value)
    }
    return result
  }
}
