import Foundation

/// Whether a value from `JSONSerialization` was a JSON `true`/`false`. On Linux a JSON 0 or 1
/// also casts to `Bool`, so `value is Bool` cannot tell them apart; the boxed type can.
public func isJSONBoolean(_ value: Any) -> Bool {
  guard let number = value as? NSNumber else { return false }
  return String(cString: number.objCType) == "c"
}
