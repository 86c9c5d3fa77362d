/// The ordered token sets of the successor-heads paper.
extension Lexicon {
  /// The numbers 1...200 written as digits (Gould et al.'s "numbers 1…200"; papers.md section 2).
  public static let numbers: [String] = (1...200).map { String($0) }

  /// The number words one...twenty.
  public static let numberWords: [String] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty",
  ]

  /// The ordinal words first...tenth (called "cardinal" in the reference code).
  public static let ordinals: [String] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
  ]

  /// The days Monday...Sunday; the sequence wraps from Sunday to Monday.
  public static let days: [String] = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
  ]

  /// The day prefixes Mon...Sun.
  public static let shortDays: [String] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

  /// The months January...December; the sequence wraps from December to January.
  public static let months: [String] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
  ]

  /// The month prefixes Jan...Dec.
  public static let shortMonths: [String] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// The capital letters A...Z.
  public static let letters: [String] = (UInt8(ascii: "A")...UInt8(ascii: "Z")).map {
    String(UnicodeScalar($0))
  }
}
