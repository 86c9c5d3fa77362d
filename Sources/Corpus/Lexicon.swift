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

  /// Every word that must become a single token: each word with its leading space (" Mary",
  /// " 17", " Monday", " Jan", " A", " store") and, for the words that begin a text or a line
  /// ("Mary and John went...", "Monday\nTuesday", "One, two, three"), also without it: names,
  /// the successor items, and the capitalised number words and ordinals. The successor-heads
  /// score and the IOI logit difference both assume single-token words (papers.md sections 2 and
  /// 3). Duplicates (" May" is both a month and a short month) appear once; the order is fixed:
  /// first every spaced form, then every bare form.
  public static var requiredSingleTokens: [String] {
    let spaced: [[String]] = [names, places, objects] + SuccessorKind.allCases.map { $0.items }
    let bare: [[String]] =
      [names] + SuccessorKind.allCases.map { $0.items } + [capitalisedSequenceWords]
    var seen: Set<String> = []
    var result: [String] = []
    for word in spaced.joined().map({ " " + $0 }) + bare.joined() where seen.insert(word).inserted {
      result.append(word)
    }
    return result
  }

  /// The number words and ordinals with a capital, as they begin a text or a line ("One", "First").
  public static var capitalisedSequenceWords: [String] {
    (numberWords + ordinals).map(CorpusText.capitalizingFirst)
  }

  /// Every word of the lexicon proper (names, places, objects, successor items), without spaces.
  public static var lexiconWords: [String] {
    var seen: Set<String> = []
    return requiredSingleTokens.map { $0.hasPrefix(" ") ? String($0.dropFirst()) : $0 }
      .filter { seen.insert($0).inserted }
  }

  /// Every word the generator may write: the lexicon words followed by the common words.
  public static var allWords: [String] {
    var seen: Set<String> = []
    return (lexiconWords + commonWords).filter { seen.insert($0).inserted }
  }
}
