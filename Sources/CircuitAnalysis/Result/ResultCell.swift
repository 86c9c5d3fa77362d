/// One cell of a result grid: a number, a token (the logit lens's top-k tokens, the weight
/// analyses' token tables), or `missing`: not computed (a cancelled sweep, a position a sweep does
/// not cover). A missing cell is written as JSON `null`, never as 0.
public enum ResultCell: Codable, Equatable, Sendable, CustomStringConvertible {
  case number(Double)
  case token(String)
  case missing

  public init(_ value: Float) { self = .number(Double(value)) }

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .missing
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else {
      self = .token(try container.decode(String.self))
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .number(let value):
      guard value.isFinite else {
        throw EncodingError.invalidValue(value, .init(codingPath: encoder.codingPath, debugDescription: "result cells must be finite numbers, tokens or null"))
      }
      try container.encode(value)
    case .token(let text): try container.encode(text)
    case .missing: try container.encodeNil()
    }
  }

  /// The number, nil for tokens and missing cells.
  public var number: Double? { if case .number(let v) = self { return v } else { return nil } }

  public var description: String {
    switch self {
    case .number(let v): return String(v)
    case .token(let t): return t.debugDescription
    case .missing: return "null"
    }
  }
}
