/// The closed vocabulary of the generated corpus.
///
/// Every word the corpus generator writes comes from this lexicon (names, places, objects and the
/// ordered sets of the successor-heads paper) or from `Lexicon.commonWords`, so a small BPE
/// vocabulary covers the corpus and the words the workbench studies can be forced to be single
/// tokens (see `requiredSingleTokens`).
public enum Lexicon {
  /// The eight places of Wang et al.'s IOI dataset (`PLACES` in `ioi_dataset.py`; papers.md
  /// section 3).
  public static let ioiPlaces: [String] = [
    "store", "garden", "restaurant", "school", "hospital", "office", "house", "station",
  ]

  /// The eight objects of Wang et al.'s IOI dataset (`OBJECTS` in `ioi_dataset.py`).
  public static let ioiObjects: [String] = [
    "ring", "kiss", "bone", "basketball", "computer", "necklace", "drink", "snack",
  ]

  /// The IOI places followed by 17 more simple ones; each reads naturally after "the" in
  /// "went to the ...", "at the ...".
  public static let places: [String] =
    ioiPlaces + [
      "park", "library", "beach", "market", "church", "farm", "museum", "bank", "cafe", "hotel",
      "airport", "lake", "zoo", "gym", "theater", "mall", "bakery",
    ]

  /// The IOI objects followed by 17 more simple ones; each begins with a consonant sound so that
  /// "a ..." is grammatical.
  public static let objects: [String] =
    ioiObjects + [
      "book", "ball", "cake", "letter", "pen", "hat", "bag", "cup", "key", "box", "toy", "phone",
      "coin", "flower", "map", "shirt", "watch",
    ]

  /// Every word that must become a single token, each with its leading space (" Mary", " 17",
  /// " Monday", " Jan", " A", " store"): names, places, objects, the numbers 1-200, number words,
  /// ordinals, days, short days, months, short months and letters. The successor-heads score and
  /// the IOI logit difference both assume single-token words (papers.md sections 2 and 3).
  /// Duplicates (" May" is both a month and a short month) appear once; the order is fixed.
  public static var requiredSingleTokens: [String] {
    let groups: [[String]] =
      [names, places, objects] + SuccessorKind.allCases.map { $0.items }
    var seen: Set<String> = []
    var result: [String] = []
    for word in groups.joined() where seen.insert(word).inserted {
      result.append(" " + word)
    }
    return result
  }

  /// Every word of the lexicon proper (names, places, objects, successor items), without spaces.
  public static var lexiconWords: [String] {
    requiredSingleTokens.map { String($0.dropFirst()) }
  }

  /// Every word the generator may write: the lexicon words followed by the common words.
  public static var allWords: [String] {
    var seen: Set<String> = []
    return (lexiconWords + commonWords).filter { seen.insert($0).inserted }
  }
}
