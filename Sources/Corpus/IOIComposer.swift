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
/// The held-out behaviour set (ModelTraining's heldout-behaviour.json) was written apart from it;
/// a test checks that no composed sentence reproduces one of its templates.
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
    Scene(text: "made a [O] at the [P]", progressive: false, introducesObject: true),
    Scene(text: "won a [O] at the [P]", progressive: false, introducesObject: true),
    Scene(text: "came home from the [P]", progressive: false, introducesObject: false),
    Scene(text: "sat in the [P] for an hour", progressive: false, introducesObject: false),
    Scene(text: "stayed at the [P] all day", progressive: false, introducesObject: false),
    Scene(text: "went for a walk near the [P]", progressive: false, introducesObject: false),
    Scene(text: "visited the [P]", progressive: false, introducesObject: false),
    Scene(text: "cooked dinner at the [P]", progressive: false, introducesObject: false),
    Scene(text: "were eating at the [P]", progressive: true, introducesObject: false),
    Scene(text: "were reading in the [P]", progressive: true, introducesObject: false),
    Scene(text: "were running to the [P]", progressive: true, introducesObject: false),
    Scene(text: "were talking in the [P]", progressive: true, introducesObject: false),
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
    "[X] visited [Y] at the [P]",
    "[X] called [Y] from the [P]",
    "[X] was at the [P] with [Y]",
    "[X] found [Y] in the [P]",
    "[X] took [Y] to the [P]",
    "[X] stayed with [Y] at the [P]",
    "[X] helped [Y] at the [P]",
    "[X] looked for [Y] at the [P]",
  ]

  /// Openers before a main-clause introduction ("Then, [X] and [Y] ..."). `[D]` is a day and
  /// `[M]` a month.
  static let openers: [String] = [
    "", "", "", "Then, ", "Later, ", "Afterwards, ", "After the lunch, ", "That day, ",
    "In the morning, ", "In the evening, ", "On [D], ", "One day, ", "Yesterday, ",
    "After school, ", "After work, ", "At night, ", "In [M], ", "On [D] morning, ",
    "Last [D], ", "Early in the morning, ", "After a long day, ", "Before dinner, ",
    "In the afternoon, ", "At the [P], ", "Every [D], ", "Today, ", "This morning, ",
    "On a cold day, ", "Late at night, ",
  ]

  /// Subordinating words before a subordinate introduction ("When [X] and [Y] ..., [S] ...").
  /// "While" is kept for progressive scenes.
  static let subordinators: [String] = ["When", "After", "As", "Because", "Once", "Before", "Since"]

  /// Sentences between the introduction and the action that name nobody.
  static let fillers: [String] = [
    "They talked for a while.", "It was a nice day.", "The [P] was very busy.",
    "They were happy.", "It was late.", "They sat down.", "It was a long day.",
    "They had a good time.", "It was very cold.", "The sun was out.", "They were tired.",
    "Nobody else was there.", "They waited for a while.", "The [P] was quiet.",
    "It started to rain.", "They laughed a lot.",
  ]

  /// Clauses about one person, `[N]`, for introductions that name the two apart.
  static let soloClauses: [String] = [
    "[N] was at the [P]", "[N] came home late", "[N] had a [O]", "[N] was tired", "[N] wanted a [O]",
    "[N] went to the [P]", "[N] was waiting at the [P]", "[N] found a [O]", "[N] was reading a book",
    "[N] was very happy", "[N] lived near the [P]", "[N] worked at the [P]",
  ]

  /// Second clauses that only make sense after another one.
  static let soloFollowers: [String] = ["[N] was there too", "[N] did not", "[N] came too"]

  /// Relative clauses about both names: "[X] and [Y], who were friends, ...".
  static let relatives: [String] = [
    "were friends", "lived near the [P]", "worked at the [P]", "were very tired", "were neighbors",
    "liked the [P]",
  ]

  /// Words that start the action sentence after a full stop.
  static let bridges: [String] = [
    "", "", "Then ", "Later, ", "Afterwards ", "After that, ", "Soon ", "In the end, ",
    "Later that day, ", "Then, ", "After a while, ", "The next day, ", "At the end, ", "Finally, ",
    "So ", "Suddenly, ",
  ]

  /// Links that join the action to a main-clause introduction in one sentence.
  static let coordinators: [String] = [
    ", and ", ", and then ", ", and afterwards ", ", so ", ", then ", ", and later ",
    ", but then ", " and ",
  ]

  /// Actions that give or show an object, written before the IO: "[S] gave a [O] to".
  static let objectActions: [String] = [
    "gave a [O] to", "gave the [O] to", "handed a [O] to", "handed the [O] to",
    "passed the [O] to", "sent a [O] to", "showed the [O] to", "threw the [O] to",
    "brought a [O] to", "sold the [O] to", "lent the [O] to", "decided to give a [O] to",
    "decided to give the [O] to", "wanted to give a [O] to", "tried to give the [O] to",
    "tried to hand a [O] to", "gave a small [O] to", "shared the [O] with",
    "offered a [O] to", "returned the [O] to", "mailed a [O] to", "gave the [O] back to",
    "kicked the [O] to", "bought a [O] for", "made a [O] for", "found a [O] for", "got a [O] for",
    "showed a [O] to", "sent the [O] to", "carried the [O] to", "explained the [O] to",
    "gave a new [O] to", "quickly gave the [O] to", "finally gave a [O] to",
  ]

  /// Actions that refer back to an object the scene introduced.
  static let pronounActions: [String] = [
    "gave it to", "handed it to", "passed it to", "showed it to", "threw it to", "sold it to",
    "decided to give it to", "wanted to give it to", "gave it back to", "lent it to",
    "sent it to", "returned it to", "offered it to",
  ]

  /// Actions without an object.
  static let plainActions: [String] = [
    "said to", "said hello to", "said goodbye to", "talked to", "waved to", "smiled at",
    "looked at", "wrote a letter to", "sent a letter to", "spoke to", "sang a song to",
    "called out to", "walked over to", "ran over to", "listened to", "turned to", "played with",
    "read a story to", "told a story to", "whispered to", "cooked dinner for", "waited for",
    "sang a song for", "opened the door for", "said good night to", "wrote a note to",
    "waved goodbye to", "said sorry to", "gave a hug to", "looked over at",
  ]

  /// What one character says to the other in a dialogue opening, each ending with its mark.
  static let lines: [String] = [
    "Let us go to the [P].", "I like the [O].", "It is cold today.", "Look at that [O].",
    "We are late.", "Hello there.", "I am tired.", "This is fun.", "Where is the [O]?",
    "Do you want to go to the [P]?", "Is it late?", "Who took my [O]?", "What a nice day!",
    "I found a [O].", "Come with me.",
  ]

  /// A dialogue opening: "[X] said to [Y], "Let us go."", ""Hello," said [X] to [Y]." or
  /// "[X] asked [Y], "Is it late?"". Quotes introduce both names as plainly as "and" does.
  static func dialogue(x: String, y: String, rng: inout CorpusRandom) -> String {
    var line = rng.pick(lines)
    switch rng.below(3) {
    case 0:
      return x + " said to " + y + ", \"" + line + "\""
    case 1:
      if line.hasSuffix(".") { line = String(line.dropLast()) + "," }
      return "\"" + line + "\" said " + x + " to " + y + "."
    default:
      return x + (line.hasSuffix("?") ? " asked " : " told ") + y + ", \"" + line + "\""
    }
  }

  /// A composed IOI sentence up to (not including) the IO at its end, e.g. "On Friday, Mary met
  /// John at the park. It was late. Then John handed a cup to". `io` and `s` are names without
  /// leading spaces.
  static func prompt(io: String, s: String, order: IOIOrder, rng: inout CorpusRandom) -> String {
    let (x, y) = order == .baba ? (s, io) : (io, s)
    let place = rng.pick(Lexicon.places)
    let sceneObject = rng.pick(Lexicon.objects)

    let scene = rng.pick(scenes)
    let opener = rng.chance(0.3) ? "" : rng.pick(openers)
    let action: String
    var introducesObject = scene.introducesObject

    var text: String
    switch rng.below(25) {
    case 0..<7:  // two sentences: "[X] and [Y] went to the [P]. [S] gave ..."
      let friends = opener.isEmpty && rng.chance(0.1) ? "Friends " : opener
      text = friends + x + " and " + y + " " + scene.text + "."
      text += filler(rng: &rng)
      text += " " + rng.pick(bridges) + s + " "
    case 7..<12:  // subordinate: "When [X] and [Y] went to the [P], [S] gave ..."
      let words = scene.progressive ? subordinators + ["While", "While"] : subordinators
      text = rng.pick(words) + " " + x + " and " + y + " " + scene.text + ", " + s + " "
    case 12..<15:  // coordinated: "[X] and [Y] went to the [P], and then [S] gave ..."
      text = opener + x + " and " + y + " " + scene.text + rng.pick(coordinators) + s + " "
    case 15..<19:  // dialogue: "[X] said to [Y], "Hello." [S] gave ..."
      introducesObject = false
      text = dialogue(x: x, y: y, rng: &rng)
      text += filler(rng: &rng)
      text += " " + rng.pick(bridges) + s + " "
    case 19..<20:  // apart: "[X] was at the [P], but [Y] was tired. [S] gave ..."
      introducesObject = false
      let first = rng.pick(soloClauses), second = rng.pick(soloClauses + soloFollowers)
      text = opener + first.replacingSlots(["[N]": x]) + rng.pick([", and ", ", but ", ". "])
      text += second.replacingSlots(["[N]": y]) + "."
      text = CorpusText.capitalizingSentences(text)
      text += filler(rng: &rng)
      text += " " + rng.pick(bridges) + s + " "
    case 20..<21:  // relative: "[X] and [Y], who lived near the [P], met on [D]. [S] gave ..."
      introducesObject = false
      text = opener + x + " and " + y + ", who " + rng.pick(relatives) + ", " + rng.pick(scenes).text + "."
      text += " " + rng.pick(bridges) + s + " "
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
