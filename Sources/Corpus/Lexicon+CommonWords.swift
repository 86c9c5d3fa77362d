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
    "After", "Afterwards", "As", "At", "Because", "Before", "Block", "Box", "Bus", "By", "Chapter",
    "Clean", "Closed", "Come", "Cook", "Count", "Dance", "Dates", "Day", "Days", "Do", "Early",
    "Every", "Finally", "Fish", "Friends", "Game", "Games", "Gate", "Good", "Grade", "He", "Hello",
    "Her", "His", "In", "Is", "It", "Lap", "Last", "Late", "Later", "Let", "Level", "Line", "List",
    "Listen", "Look", "My", "Names", "Next", "Nobody", "Notes", "Number", "Numbers", "On", "Once",
    "Open", "Order", "Our", "Page", "Pages", "Paint", "Part", "Plan", "Play", "Read", "Rest",
    "Room", "Rooms", "Round", "Row", "Rows", "Run", "Sales", "Say", "Seat", "She", "Shop", "Since",
    "Sing", "Sleep", "So", "Song", "Soon", "Step", "Steps", "Suddenly", "Swim", "Thank", "That",
    "The", "Their", "Then", "They", "This", "Times", "Today", "Walk", "We", "Week", "What", "When",
    "Where", "While", "Who", "Work", "Write", "Year", "Yesterday",
  ]

  static let functionWords: [String] = [
    "a", "about", "after", "afterwards", "again", "all", "am", "an", "and", "are", "at", "back",
    "before", "but", "by", "down", "early", "else", "every", "finally", "for", "from", "goodbye",
    "he", "hello", "her", "here", "him", "his", "home", "in", "into", "is", "it", "last", "later",
    "like", "me", "much", "my", "near", "never", "not", "of", "on", "or", "our", "out", "over",
    "past", "quickly", "say", "she", "so", "some", "something", "that", "the", "their", "them",
    "then", "there", "they", "this", "to", "today", "together", "too", "up", "us", "very", "we",
    "when", "where", "while", "who", "with", "yes", "you",
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
    "afternoon", "apples", "argument", "bed", "better", "bird", "birds", "block", "board", "books",
    "boxes", "bread", "breakfast", "bus", "car", "cat", "cats", "chair", "chairs", "chapter",
    "clock", "cloud", "cloudy", "coins", "cook", "count", "cups", "dance", "dates", "day", "days",
    "dinner", "dog", "dogs", "door", "eggs", "end", "evening", "fingers", "fire", "fish", "friends",
    "fun", "game", "gate", "grade", "grass", "hill", "horse", "hour", "hours", "hug", "kids", "lap",
    "level", "light", "line", "list", "lot", "lunch", "men", "miles", "milk", "moon", "morning",
    "music", "neighbors", "night", "noon", "note", "number", "page", "paint", "paper", "part",
    "party", "place", "plan", "play", "pocket", "points", "race", "rain", "rainy", "rest", "river",
    "road", "room", "round", "row", "sea", "seat", "shop", "sign", "sky", "sleep", "snow", "snowy",
    "song", "sorry", "star", "stars", "step", "steps", "stone", "story", "sun", "sunny", "swim",
    "table", "talk", "tea", "time", "times", "toys", "tree", "trees", "trip", "water", "week",
    "wind", "window", "windy", "word", "words", "work", "write", "year", "years",
  ]

  static let adjectives: [String] = [
    "big", "black", "blue", "bored", "bright", "busy", "clean", "cold", "dark", "done", "dry",
    "fast", "full", "good", "green", "happy", "hot", "late", "long", "loud", "new", "next", "nice",
    "old", "open", "quiet", "red", "short", "slow", "small", "soft", "sweet", "tired", "warm",
    "wet", "white", "yellow", "young",
  ]
}
