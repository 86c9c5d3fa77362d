/// One item of a layer, head or position list: a number `7`, an inclusive range `3-5`, or `*`
/// (every index the model or prompt has). Written without signs or spaces.
public enum IndexSelector: Hashable, Sendable, CustomStringConvertible {
  case all
  case index(Int)
  /// Inclusive at both ends, lower <= upper.
  case range(Int, Int)

  public var description: String {
    switch self {
    case .all: return "*"
    case .index(let i): return "\(i)"
    case .range(let a, let b): return "\(a)-\(b)"
    }
  }

  /// Reads `scalars` (a part of `token.text` starting `offset` scalars in) as a selector of `noun`s.
  static func parse(_ scalars: ArraySlice<Unicode.Scalar>, offset: Int, of token: LineToken, noun: String) throws -> IndexSelector {
    var text = ""
    text.unicodeScalars.append(contentsOf: scalars)
    if text == "*" { return .all }
    let bounds = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
    let numbers = try bounds.enumerated().map { part, bound -> Int in
      let partOffset = part == 0 ? offset : offset + bounds[0].unicodeScalars.count + 1
      guard !bound.isEmpty, bound.unicodeScalars.allSatisfy(CommandParser.isASCIIDigit) else {
        throw token.error("'\(text)' is not a \(noun): write a number, a range like 3-5, or *", atOffset: partOffset)
      }
      guard let value = Int(bound) else { throw token.error("\(noun) '\(bound)' is too large", atOffset: partOffset) }
      return value
    }
    if numbers.count == 1 { return .index(numbers[0]) }
    guard numbers[0] <= numbers[1] else {
      throw token.error("range \(text) is empty; write the smaller \(noun) first", atOffset: offset)
    }
    return .range(numbers[0], numbers[1])
  }

  /// The indices selected among `0..<count`, in increasing order; an error (pointing at `offset`
  /// in `token`) when the selector reaches past `count - 1`. `unit` names what count counts
  /// ("layers", "heads per layer", "positions").
  func resolve(count: Int, noun: String, unit: String, token: LineToken, offset: Int) throws -> [Int] {
    let available = count > 0 ? "0-\(count - 1), \(count) \(unit)" : "there are no \(unit)"
    switch self {
    case .all:
      return Array(0..<max(0, count))
    case .index(let i):
      guard i < count else { throw token.error("\(noun) \(i) is out of range (\(available))", atOffset: offset) }
      return [i]
    case .range(let a, let b):
      guard b < count else { throw token.error("\(noun)s \(a)-\(b) go out of range (\(available))", atOffset: offset) }
      return Array(a...b)
    }
  }

  /// Splits `token.text` at commas into (scalars, offset) items; an empty item is an error.
  static func items(of token: LineToken, noun: String) throws -> [(scalars: ArraySlice<Unicode.Scalar>, offset: Int)] {
    let scalars = Array(token.text.unicodeScalars)
    var items: [(ArraySlice<Unicode.Scalar>, Int)] = []
    var start = 0
    for end in 0...scalars.count where end == scalars.count || scalars[end] == "," {
      guard end > start else {
        throw token.error(scalars.isEmpty ? "an empty \(noun) list" : "an empty item in the \(noun) list", atOffset: start)
      }
      items.append((scalars[start..<end], start))
      start = end + 1
    }
    return items
  }
}
