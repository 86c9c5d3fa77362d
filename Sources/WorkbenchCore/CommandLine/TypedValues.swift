/// The scalar types a catalog command reads from its arguments. Each error points at the token.
extension LineToken {
  /// A decimal integer with an optional sign (`12`, `-3`), optionally within `range`.
  public func integer(in range: ClosedRange<Int>? = nil) throws -> Int {
    guard Self.isInteger(text) else { throw error("'\(text)' is not an integer") }
    guard let value = Int(text) else { throw error("'\(text)' is too large for an integer") }
    if let range, !range.contains(value) {
      throw error("\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
    }
    return value
  }

  /// A finite decimal number: `0.5`, `-1`, `.5`, `1e-5`, `2.5E3`. No hex, `inf` or `nan`.
  public func float() throws -> Double {
    guard Self.isDecimal(text), let value = Double(text) else { throw error("'\(text)' is not a number") }
    guard value.isFinite else { throw error("'\(text)' is too large for a number") }
    return value
  }

  /// `true`/`false`, `yes`/`no`, `on`/`off`, in any case.
  public func boolean() throws -> Bool {
    switch text.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: throw error("'\(text)' is not a boolean; write true/false, yes/no or on/off")
    }
  }

  /// One of `names`, exactly; otherwise an error listing them, with a "did you mean" for a typo.
  public func choice(_ names: [String], noun: String = "value") throws -> String {
    if names.contains(text) { return text }
    var message = "unknown \(noun) '\(text)'"
    if let guess = EditDistance.suggestion(for: text, among: names) { message += "; did you mean '\(guess)'?" }
    message += " (one of: \(names.joined(separator: ", ")))"
    throw error(message)
  }

  static func isInteger(_ text: String) -> Bool {
    var digits = Substring(text)
    if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
    return !digits.isEmpty && digits.unicodeScalars.allSatisfy(CommandParser.isASCIIDigit)
  }

  /// sign? (digits ("." digits?)? | "." digits) (("e"|"E") sign? digits)?
  static func isDecimal(_ text: String) -> Bool {
    var rest = Substring(text)
    if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
    let mantissa = rest.prefix { $0 != "e" && $0 != "E" }
    let exponent = rest.dropFirst(mantissa.count)
    let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let allDigits = { (s: Substring) in s.unicodeScalars.allSatisfy(CommandParser.isASCIIDigit) }
    guard parts.allSatisfy(allDigits), parts.contains(where: { !$0.isEmpty }) else { return false }
    if exponent.isEmpty { return true }
    return isInteger(String(exponent.dropFirst()))
  }
}
