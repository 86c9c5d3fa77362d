import Foundation

/// A JSON value, for the free-form parts of a result (`params`, and later a circuit's `graph`).
/// Objects keep no key order of their own: results are encoded with sorted keys.
public enum JSONValue: Codable, Equatable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .number(let value):
      guard value.isFinite else {
        throw EncodingError.invalidValue(value, .init(codingPath: encoder.codingPath, debugDescription: "a JSON number must be finite"))
      }
      // Integers print without a fraction, so token ids and seeds read as integers.
      if value == value.rounded(), abs(value) < 9.007_199_254_740_992e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
  }
  public init(nilLiteral: ()) { self = .null }

  /// Token ids and other integer lists.
  public static func integers(_ values: [Int]) -> JSONValue { .array(values.map { .number(Double($0)) }) }
  /// Lists of integer lists (a batch of token ids).
  public static func integerRows(_ rows: [[Int]]) -> JSONValue { .array(rows.map(integers)) }
  public static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
  public static func number(_ value: Float) -> JSONValue { .number(Double(value)) }
  public static func integer(_ value: Int) -> JSONValue { .number(Double(value)) }

  /// The value of an object's key, nil for other kinds.
  public subscript(key: String) -> JSONValue? {
    if case .object(let object) = self { return object[key] }
    return nil
  }
  public var doubleValue: Double? { if case .number(let v) = self { return v } else { return nil } }
  public var stringValue: String? { if case .string(let v) = self { return v } else { return nil } }
  public var arrayValue: [JSONValue]? { if case .array(let v) = self { return v } else { return nil } }
  public var intValue: Int? { doubleValue.flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil } }
}
