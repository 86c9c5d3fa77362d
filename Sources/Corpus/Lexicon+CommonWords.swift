/// The fixed list of common English words.
extension Lexicon {
  /// Every word the generator writes that is not a name, place, object or successor item: the
  /// words of Wang et al.'s IOI templates, of the composed IOI clauses, the story and frame
  /// patterns, the held-out templates, and some everyday words that give the repeated spans
  /// variety. Capitalised forms are listed where a sentence can start with them; nothing else is
  /// ever capitalised, so this list and the lexicon are the whole vocabulary of the corpus.
  public static let commonWords: [String] =
    sentenceStarters + functionWords + verbs + nouns + adjectives

  /// Capitalised words that begin sentences (the letter "I" is in `letters`).
  static let sentenceStarters: [String] = [
    "After", "Afterwards", "As", "At", "Because", "Before", "Early", "Friends", "He", "In", "It",
    "Last", "Later", "Listen", "On", "Once", "One", "Open", "Read", "Say", "She", "Since", "Soon",
    "Step", "That", "The", "Then", "They", "We", "When", "While", "Yesterday",
  ]

  static let functionWords: [String] = [
    "a", "about", "after", "afterwards", "again", "and", "at", "back", "before", "but", "by",
    "down", "for", "from", "goodbye", "he", "hello", "her", "here", "him", "his", "home", "in",
    "into", "it", "much", "near", "never", "not", "of", "on", "out", "over", "past", "she", "so",
    "some", "something", "that", "the", "their", "them", "then", "there", "they", "this", "to",
    "today", "together", "up", "very", "we", "where", "while", "with",
  ]

  static let verbs: [String] = [
    "asked", "bought", "brought", "buy", "called", "came", "carried", "cleaned", "come",
    "commuting", "cooked", "counted", "decided", "did", "drove", "eat", "explained", "forgot",
    "found", "gave", "give", "go", "going", "got", "had", "hand", "handed", "have", "heard", "help",
    "helped", "jump", "laughed", "left", "lent", "liked", "listened", "lived", "looked", "mailed",
    "met", "offered", "paid", "passed", "played", "playing", "promised", "put", "rained", "ran",
    "reached", "read", "rested", "returned", "run", "said", "sang", "sat", "saw", "see", "sent",
    "shared", "showed", "sing", "sitting", "smiled", "sold", "spent", "spoke", "stayed", "talked",
    "thanked", "thinking", "threw", "told", "took", "tried", "turned", "waited", "waiting", "walk",
    "walked", "walking", "wanted", "was", "waved", "went", "were", "whispered", "worked",
    "working", "wrote",
  ]

  static let nouns: [String] = [
    "argument", "bed", "bird", "bread", "car", "cat", "chair", "chapter", "cloud", "dates", "day",
    "days", "dinner", "dog", "door", "end", "evening", "fire", "fish", "friends", "fun", "game",
    "gate", "grass", "hill", "horse", "level", "light", "list", "lot", "lunch", "milk", "moon",
    "morning", "music", "night", "page", "paper", "plan", "pocket", "race", "rain", "river", "road",
    "room", "round", "row", "sea", "shop", "sky", "snow", "song", "star", "step", "stone", "story",
    "sun", "table", "talk", "time", "tree", "water", "week", "wind", "window", "words", "work",
    "year", "years",
  ]

  static let adjectives: [String] = [
    "big", "black", "blue", "bored", "bright", "busy", "clean", "cold", "dark", "done", "dry",
    "fast", "full", "good", "green", "happy", "hot", "late", "long", "loud", "new", "next", "nice",
    "old", "open", "quiet", "red", "short", "slow", "small", "soft", "sweet", "tired", "warm",
    "wet", "white", "yellow", "young",
  ]
}
