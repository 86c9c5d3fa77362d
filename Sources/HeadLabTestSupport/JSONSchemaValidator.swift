import CircuitAnalysis
import Foundation

/// A JSON Schema (draft 2020-12) validator for the keywords HeadLab's schemas use, so tests can
/// check JSON against a schema without Python: `type`, `properties`, `required`,
/// `additionalProperties`, `items`, `prefixItems`, `minItems`, `enum`, `const`, `$ref` to
/// `#/$defs/...`, `anyOf`, `oneOf`, `allOf`, `minimum`, `minLength`, `pattern`, boolean schemas,
/// and the annotations `$schema`, `$id`, `$defs`, `title`, `description`, `$comment`. A schema
/// with any other keyword is refused when the validator is made, so nothing is ignored silently.
/// `scripts/check_result_schema.py` checks that Python's `jsonschema` gives the same verdicts on
/// the committed samples.
public struct JSONSchemaValidator {
  /// One way an instance breaks the schema: where (a JSON Pointer, "" for the root) and why.
  public struct Violation: Equatable, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path.isEmpty ? "/" : path): \(message)" }
  }

  public struct SchemaError: Error, CustomStringConvertible {
    public let description: String
  }

  static let supported: Set<String> = [
    "type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems",
    "enum", "const", "$ref", "anyOf", "oneOf", "allOf", "minimum", "minLength", "pattern",
    "$schema", "$id", "$defs", "title", "description", "$comment",
  ]

  let root: JSONInstance

  public init(schema: Data) throws {
    root = try JSONInstance.parse(schema)
    try JSONSchemaValidator.checkKeywords(root, path: "")
  }

  /// Every violation of `instance` (JSON text); empty when it is valid. Throws for text that is
  /// not JSON.
  public func violations(of instance: Data) throws -> [Violation] {
    var out: [Violation] = []
    try check(try JSONInstance.parse(instance), against: root, path: "", into: &out)
    return out
  }

  static func checkKeywords(_ schema: JSONInstance, path: String) throws {
    guard case .object(let members) = schema else {
      if case .bool = schema { return }
      throw SchemaError(description: "schema at \(path.isEmpty ? "/" : path) is neither an object nor a boolean")
    }
    for (key, value) in members {
      guard supported.contains(key) else { throw SchemaError(description: "unsupported keyword \(key.debugDescription) at \(path.isEmpty ? "/" : path)") }
      switch key {
      case "properties", "$defs":
        if case .object(let children) = value {
          for (name, child) in children { try checkKeywords(child, path: "\(path)/\(key)/\(name)") }
        }
      case "items", "additionalProperties":
        try checkKeywords(value, path: "\(path)/\(key)")
      case "prefixItems", "anyOf", "oneOf", "allOf":
        if case .array(let children) = value {
          for (i, child) in children.enumerated() { try checkKeywords(child, path: "\(path)/\(key)/\(i)") }
        }
      default: break
      }
    }
  }

  func resolve(_ reference: String) throws -> JSONInstance {
    guard reference.hasPrefix("#/") else { throw SchemaError(description: "only local references #/... are supported, got \(reference)") }
    var node = root
    for part in reference.dropFirst(2).split(separator: "/") {
      let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
      guard case .object(let members) = node, let next = members[key] else {
        throw SchemaError(description: "unresolvable reference \(reference)")
      }
      node = next
    }
    return node
  }

  func check(_ value: JSONInstance, against schema: JSONInstance, path: String, into out: inout [Violation]) throws {
    func fail(_ message: String) { out.append(Violation(path: path, message: message)) }
    guard case .object(let s) = schema else {
      if case .bool(false) = schema { fail("no value is allowed here") }
      return
    }
    if case .string(let reference)? = s["$ref"] {
      try check(value, against: try resolve(reference), path: path, into: &out)
    }
    if let type = s["type"] {
      let names: [String]
      switch type {
      case .string(let name): names = [name]
      case .array(let items): names = items.compactMap(\.stringValue)
      default: throw SchemaError(description: "bad \"type\" in the schema at \(path)")
      }
      if !names.contains(where: value.hasType) {
        fail("\(value.summary) is not of type \(names.joined(separator: " or "))")
        return
      }
    }
    if let constant = s["const"], constant != value { fail("\(value.summary) is not the constant \(constant.summary)") }
    if case .array(let options)? = s["enum"], !options.contains(value) {
      fail("\(value.summary) is not one of \(options.map(\.summary).joined(separator: ", "))")
    }
    if case .number(let x) = value, case .number(let minimum)? = s["minimum"], x < minimum {
      fail("\(value.summary) is less than the minimum \(minimum)")
    }
    if case .string(let text) = value {
      if case .number(let minimum)? = s["minLength"], Double(text.unicodeScalars.count) < minimum {
        fail("\(value.summary) is shorter than \(Int(minimum)) characters")
      }
      if case .string(let pattern)? = s["pattern"] {
        let regex = try NSRegularExpression(pattern: pattern)
        if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
          fail("\(value.summary) does not match the pattern \(pattern)")
        }
      }
    }
    if case .object(let members) = value { try checkObject(members, schema: s, path: path, into: &out) }
    if case .array(let items) = value { try checkArray(items, schema: s, path: path, into: &out) }
    if case .array(let branches)? = s["allOf"] {
      for branch in branches { try check(value, against: branch, path: path, into: &out) }
    }
    if case .array(let branches)? = s["anyOf"] {
      let results = try branches.map { branch -> [Violation] in
        var v: [Violation] = []
        try check(value, against: branch, path: path, into: &v)
        return v
      }
      if !results.contains(where: \.isEmpty) { out += JSONSchemaValidator.closest(results, path: path, keyword: "anyOf") }
    }
    if case .array(let branches)? = s["oneOf"] {
      let results = try branches.map { branch -> [Violation] in
        var v: [Violation] = []
        try check(value, against: branch, path: path, into: &v)
        return v
      }
      let matches = results.filter(\.isEmpty).count
      if matches == 0 { out += JSONSchemaValidator.closest(results, path: path, keyword: "oneOf") }
      if matches > 1 { fail("\(value.summary) matches \(matches) branches of oneOf, expected exactly one") }
    }
  }

  func checkObject(_ members: [String: JSONInstance], schema s: [String: JSONInstance], path: String, into out: inout [Violation]) throws {
    let properties: [String: JSONInstance]
    if case .object(let p)? = s["properties"] { properties = p } else { properties = [:] }
    if case .array(let required)? = s["required"] {
      for case .string(let key) in required where members[key] == nil {
        out.append(Violation(path: path, message: "missing required member \(key.debugDescription)"))
      }
    }
    for key in members.keys.sorted() {
      let child = "\(path)/\(JSONSchemaValidator.escape(key))"
      if let property = properties[key] {
        try check(members[key]!, against: property, path: child, into: &out)
      } else if let additional = s["additionalProperties"] {
        if case .bool(false) = additional {
          out.append(Violation(path: child, message: "unknown member \(key.debugDescription) (not allowed: the object has additionalProperties false)"))
        } else {
          try check(members[key]!, against: additional, path: child, into: &out)
        }
      }
    }
  }

  func checkArray(_ items: [JSONInstance], schema s: [String: JSONInstance], path: String, into out: inout [Violation]) throws {
    if case .number(let minimum)? = s["minItems"], Double(items.count) < minimum {
      out.append(Violation(path: path, message: "an array of \(items.count) items, fewer than \(Int(minimum))"))
    }
    var prefix = 0
    if case .array(let schemas)? = s["prefixItems"] {
      prefix = min(schemas.count, items.count)
      for i in 0..<prefix { try check(items[i], against: schemas[i], path: "\(path)/\(i)", into: &out) }
    }
    if let itemSchema = s["items"] {
      for i in prefix..<items.count { try check(items[i], against: itemSchema, path: "\(path)/\(i)", into: &out) }
    }
  }

  /// When no branch of anyOf/oneOf matches, the violations of the branch that got deepest into
  /// the value (the longest path), which usually names the real culprit (a bool cell deep in a
  /// grid rather than "not a grid").
  static func closest(_ results: [[Violation]], path: String, keyword: String) -> [Violation] {
    let depth = { (v: [Violation]) in v.map { $0.path.split(separator: "/").count }.max() ?? 0 }
    guard let best = results.max(by: { depth($0) < depth($1) }), !best.isEmpty else {
      return [Violation(path: path, message: "matches no branch of \(keyword)")]
    }
    return best.map { Violation(path: $0.path, message: "\($0.message) (no branch of \(keyword) at \(path.isEmpty ? "/" : path) matches)") }
  }

  static func escape(_ key: String) -> String {
    key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
  }
}

/// A parsed JSON value: CircuitAnalysis's `JSONValue`, which keeps booleans apart from numbers
/// (Foundation's JSONSerialization does not on every platform).
public typealias JSONInstance = JSONValue

extension JSONValue {
  public static func parse(_ data: Data) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: data)
  }


  /// JSON Schema's type names; "integer" is a number without a fractional part.
  func hasType(_ name: String) -> Bool {
    switch (name, self) {
    case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string),
      ("array", .array), ("object", .object):
      return true
    case ("integer", .number(let x)): return x == x.rounded()
    default: return false
    }
  }

  /// A short form for messages: the value itself for scalars, its kind for containers.
  var summary: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return String(b)
    case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    case .string(let s): return s.debugDescription
    case .array(let items): return "an array of \(items.count)"
    case .object: return "an object"
    }
  }
}
