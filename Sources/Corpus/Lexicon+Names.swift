/// The first names of the IOI dataset.
extension Lexicon {
  /// The 100 single-token first names of Wang et al.'s IOI dataset (`NAMES` in
  /// `acdc/ioi/ioi_dataset.py`, a copy of Redwood's `easy_transformer/ioi_dataset.py`; papers.md
  /// section 3), in the order of that file.
  public static let names: [String] = [
    "Michael", "Christopher", "Jessica", "Matthew", "Ashley", "Jennifer", "Joshua", "Amanda",
    "Daniel", "David", "James", "Robert", "John", "Joseph", "Andrew", "Ryan", "Brandon", "Jason",
    "Justin", "Sarah", "William", "Jonathan", "Stephanie", "Brian", "Nicole", "Nicholas", "Anthony",
    "Heather", "Eric", "Elizabeth", "Adam", "Megan", "Melissa", "Kevin", "Steven", "Thomas",
    "Timothy", "Christina", "Kyle", "Rachel", "Laura", "Lauren", "Amber", "Brittany", "Danielle",
    "Richard", "Kimberly", "Jeffrey", "Amy", "Crystal", "Michelle", "Tiffany", "Jeremy", "Benjamin",
    "Mark", "Emily", "Aaron", "Charles", "Rebecca", "Jacob", "Stephen", "Patrick", "Sean", "Erin",
    "Zachary", "Jamie", "Kelly", "Samantha", "Nathan", "Sara", "Dustin", "Paul", "Angela", "Tyler",
    "Scott", "Katherine", "Andrea", "Gregory", "Erica", "Mary", "Travis", "Lisa", "Kenneth",
    "Bryan", "Lindsey", "Kristen", "Jose", "Alexander", "Jesse", "Katie", "Lindsay", "Shannon",
    "Vanessa", "Courtney", "Christine", "Alicia", "Cody", "Allison", "Bradley", "Samuel",
  ]

  /// The names the story generator refers to with "she" and "her"; every other name takes "he",
  /// "him" and "his". (Names such as Jamie, Kelly or Jesse are used for either sex; one reading is
  /// fixed here so that stories stay consistent.)
  public static let femaleNames: [String] = [
    "Jessica", "Ashley", "Jennifer", "Amanda", "Sarah", "Stephanie", "Nicole", "Heather",
    "Elizabeth", "Megan", "Melissa", "Christina", "Rachel", "Laura", "Lauren", "Amber", "Brittany",
    "Danielle", "Kimberly", "Amy", "Crystal", "Michelle", "Tiffany", "Emily", "Rebecca", "Erin",
    "Jamie", "Kelly", "Samantha", "Sara", "Angela", "Katherine", "Andrea", "Erica", "Mary", "Lisa",
    "Lindsey", "Kristen", "Katie", "Lindsay", "Shannon", "Vanessa", "Courtney", "Christine",
    "Alicia", "Allison",
  ]

  /// Whether the stories use "she"/"her" for `name`.
  public static func isFemale(_ name: String) -> Bool {
    femaleNames.contains(name)
  }
}
