/// The JSON header of a safetensors file, decoded strictly: integers must be integers, every
/// tensor entry must have `dtype`, `shape` and `data_offsets`.
struct SafetensorsHeader: Decodable {
  struct RawEntry {
    let name: String
    let dtype: String
    let shape: [Int]
    let offsets: [Int]
  }

  /// A malformed entry, carrying the tensor name for the error message.
  struct EntryError: Error {
    let tensor: String
    let reason: String
  }

  private struct Key: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  let entries: [RawEntry]
  let metadata: [String: String]

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    var entries: [RawEntry] = []
    var metadata: [String: String] = [:]
    for key in container.allKeys {
      if key.stringValue == "__metadata__" {
        guard let values = try? container.decode([String: String].self, forKey: key) else {
          throw EntryError(tensor: "__metadata__", reason: "must be an object of strings")
        }
        metadata = values
        continue
      }
      let name = key.stringValue
      guard let fields = try? container.nestedContainer(keyedBy: Key.self, forKey: key) else {
        throw EntryError(tensor: name, reason: "entry is not an object")
      }
      func field<T: Decodable>(_ field: String, _ type: T.Type, _ expected: String) throws -> T {
        guard let value = try? fields.decode(type, forKey: Key(stringValue: field)) else {
          throw EntryError(tensor: name, reason: "\(field) is missing or not \(expected)")
        }
        return value
      }
      entries.append(RawEntry(
        name: name,
        dtype: try field("dtype", String.self, "a string"),
        shape: try field("shape", [Int].self, "a list of integers"),
        offsets: try field("data_offsets", [Int].self, "a list of integers")))
    }
    self.entries = entries
    self.metadata = metadata
  }
}
