import Foundation

/// The order in which an IOI sentence introduces its two names (Wang et al., papers.md section 3).
/// `[B]` is the subject S (named twice) and `[A]` the indirect object IO (named once, then the
/// answer).
public enum IOIOrder: String, CaseIterable, Sendable {
  /// IO first: "When Mary and John went to the store, John gave a drink to" -> " Mary".
  case abba
  /// S first: "When John and Mary went to the store, John gave a drink to" -> " Mary".
  case baba
}

extension CorpusGenerator {
  /// The 15 BABA templates of Wang et al. (`BABA_TEMPLATES` in `acdc/ioi/ioi_dataset.py`),
  /// character for character. `[B]` is S, `[A]` is IO; each ends with the IO, which a prompt
  /// leaves out.
  public static let trainingIOITemplates: [String] = [
    "Then, [B] and [A] went to the [PLACE]. [B] gave a [OBJECT] to [A]",
    "Then, [B] and [A] had a lot of fun at the [PLACE]. [B] gave a [OBJECT] to [A]",
    "Then, [B] and [A] were working at the [PLACE]. [B] decided to give a [OBJECT] to [A]",
    "Then, [B] and [A] were thinking about going to the [PLACE]. [B] wanted to give a [OBJECT] to [A]",
    "Then, [B] and [A] had a long argument, and afterwards [B] said to [A]",
    "After [B] and [A] went to the [PLACE], [B] gave a [OBJECT] to [A]",
    "When [B] and [A] got a [OBJECT] at the [PLACE], [B] decided to give it to [A]",
    "When [B] and [A] got a [OBJECT] at the [PLACE], [B] decided to give the [OBJECT] to [A]",
    "While [B] and [A] were working at the [PLACE], [B] gave a [OBJECT] to [A]",
    "While [B] and [A] were commuting to the [PLACE], [B] gave a [OBJECT] to [A]",
    "After the lunch, [B] and [A] went to the [PLACE]. [B] gave a [OBJECT] to [A]",
    "Afterwards, [B] and [A] went to the [PLACE]. [B] gave a [OBJECT] to [A]",
    "Then, [B] and [A] had a long argument. Afterwards [B] said to [A]",
    "The [PLACE] [B] and [A] went to had a [OBJECT]. [B] gave it to [A]",
    "Friends [B] and [A] found a [OBJECT] at the [PLACE]. [B] gave it to [A]",
  ]
}

/// Filling in IOI templates.
enum IOITemplate {
  /// The template in the requested order. Templates are stored in BABA form; the ABBA form swaps
  /// the first `[B]` and the first `[A]`, as `ioi_dataset.py` builds `ABBA_TEMPLATES`.
  static func ordered(_ template: String, _ order: IOIOrder) -> String {
    guard order == .abba,
      let b = template.range(of: "[B]"),
      let a = template.range(of: "[A]"),
      b.lowerBound < a.lowerBound
    else { return template }
    let head = String(template[..<b.lowerBound])
    let middle = String(template[b.upperBound..<a.lowerBound])
    let tail = String(template[a.upperBound...])
    return head + "[A]" + middle + "[B]" + tail
  }

  /// The template with its final " [A]" (the answer slot) removed.
  static func promptPart(_ template: String) -> String {
    precondition(template.hasSuffix(" [A]"), "an IOI template must end with its IO slot")
    return String(template.dropLast(4))
  }

  /// Replaces the slots with the names (without leading spaces), place and object.
  static func fill(_ template: String, io: String, s: String, place: String, object: String)
    -> String
  {
    template
      .replacingOccurrences(of: "[PLACE]", with: place)
      .replacingOccurrences(of: "[OBJECT]", with: object)
      .replacingOccurrences(of: "[A]", with: io)
      .replacingOccurrences(of: "[B]", with: s)
  }
}
