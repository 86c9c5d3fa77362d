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
    "After", "Afterwards", "As", "At", "Because", "Before", "Closed", "Come", "Dates", "Days", "Do",
    "Early", "Every", "Finally", "Friends", "Games", "Good", "He", "Hello", "In", "Is", "It",
    "Last", "Late", "Later", "Let", "List", "Listen", "Look", "Names", "Nobody", "Notes", "Numbers",
    "On", "Once", "Open", "Order", "Pages", "Plan", "Read", "Rooms", "Rows", "Sales", "Say", "She",
    "Since", "So", "Soon", "Step", "Steps", "Suddenly", "Thank", "That", "The", "Then", "They",
    "This", "Times", "Today", "We", "Week", "What", "When", "Where", "While", "Who", "Work", "Year",
    "Yesterday",
  ]

  static let functionWords: [String] = [
    "a", "about", "after", "afterwards", "again", "all", "am", "an", "and", "are", "at", "back",
    "before", "but", "by", "down", "early", "else", "finally", "for", "from", "goodbye", "he",
    "hello", "her", "here", "him", "his", "home", "in", "into", "is", "it", "later", "like", "me",
    "much", "my", "near", "never", "not", "of", "on", "or", "out", "over", "past", "quickly", "say",
    "she", "so", "some", "something", "that", "the", "their", "them", "then", "there", "they",
    "this", "to", "today", "together", "up", "us", "very", "we", "when", "where", "while", "who",
    "with", "yes", "you",
  ]

  static let verbs: [String] = [
    "arrived", "asked", "belonged", "bought", "brought", "buy", "called", "came", "carried",
    "cleaned", "come", "commuting", "cooked", "counted", "danced", "decided", "did", "drove", "eat",
    "eating", "explained", "felt", "forgot", "found", "gave", "give", "go", "going", "got", "had",
    "hand", "handed", "have", "heard", "help", "helped", "jump", "jumped", "kicked", "laughed",
    "left", "lent", "liked", "listened", "lived", "looked", "lost", "made", "mailed", "met",
    "needed", "offered", "opened", "paid", "passed", "planned", "played", "playing", "poured",
    "promised", "put", "rained", "raining", "ran", "reached", "read", "reading", "rested",
    "returned", "run", "running", "said", "sang", "sat", "saw", "see", "sent", "shared", "showed",
    "sing", "sitting", "smiled", "sold", "spent", "spoke", "started", "stayed", "stood", "struck",
    "talked", "talking", "thanked", "thinking", "threw", "told", "took", "tried", "turned", "typed",
    "visited", "wait", "waited", "waiting", "walk", "walked", "walking", "want", "wanted", "was",
    "waved", "went", "were", "whispered", "woke", "won", "worked", "working", "wrote",
  ]

  static let nouns: [String] = [
    "afternoon", "argument", "bed", "better", "bird", "board", "bread", "breakfast", "bus", "car",
    "cat", "chair", "chapter", "clock", "cloud", "dates", "day", "days", "dinner", "dog", "door",
    "end", "evening", "fire", "fish", "friends", "fun", "game", "gate", "grass", "hill", "horse",
    "hour", "hug", "kids", "lap", "level", "light", "line", "list", "lot", "lunch", "milk", "moon",
    "morning", "music", "neighbors", "night", "noon", "note", "page", "paper", "party", "plan",
    "pocket", "race", "rain", "river", "road", "room", "round", "row", "sea", "shop", "sign", "sky",
    "snow", "song", "sorry", "star", "step", "stone", "story", "sun", "table", "talk", "tea",
    "time", "times", "tree", "trip", "water", "week", "wind", "window", "word", "words", "work",
    "year", "years",
  ]

  static let adjectives: [String] = [
    "big", "black", "blue", "bored", "bright", "busy", "clean", "cold", "dark", "done", "dry",
    "fast", "full", "good", "green", "happy", "hot", "late", "long", "loud", "new", "next", "nice",
    "old", "open", "quiet", "red", "short", "slow", "small", "soft", "sweet", "tired", "warm",
    "wet", "white", "yellow", "young",
  ]
}
