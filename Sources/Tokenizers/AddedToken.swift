/// A token that is matched verbatim in the input before pre-tokenisation,
/// like `<|endoftext|>` (the `added_tokens` of a `tokenizer.json`).
///
/// The flags mean what they mean in Hugging Face `tokenizers`:
/// - `stripsLeft` / `stripsRight` (`lstrip` / `rstrip`): whitespace just
///   before / after a match is swallowed into the token;
/// - `singleWord`: only matches when not glued to a word character;
/// - `normalized`: matched after normalisation; with no normaliser this only
///   means such tokens are looked for after the non-normalized ones;
/// - `isSpecial`: a special token (for example a BOS/EOS marker).
public struct AddedToken: Sendable, Hashable {
  public let id: Int
  public let content: String
  public let isSpecial: Bool
  public let stripsLeft: Bool
  public let stripsRight: Bool
  public let singleWord: Bool
  public let normalized: Bool

  public init(
    id: Int, content: String, isSpecial: Bool = true, stripsLeft: Bool = false,
    stripsRight: Bool = false, singleWord: Bool = false, normalized: Bool = false
  ) {
    self.id = id
    self.content = content
    self.isSpecial = isSpecial
    self.stripsLeft = stripsLeft
    self.stripsRight = stripsRight
    self.singleWord = singleWord
    self.normalized = normalized
  }
}
