import Foundation

/// Parsing the two-file GPT-2 format: `vocab.json` (token → id) and
/// `merges.txt` (one `left right` pair per line, best first, after an
/// optional `#version` header line).
enum VocabularyFiles {
  /// Reads `vocab.json`.
  static func vocabulary(_ url: URL) throws -> [String: Int32] {
    let name = url.lastPathComponent
    let data = try FileReading.data(url)
    let raw: [String: Int]
    do {
      raw = try JSONDecoder().decode([String: Int].self, from: data)
    } catch {
      throw TokenizerError(.malformedFile, file: name, "not a JSON object of string->int")
    }
    return try checkedVocabulary(raw, file: name, path: "")
  }

  /// Ids must be below this (2^24): tables are indexed by id, and no real
  /// vocabulary comes near it.
  static let largestID = 1 << 24

  /// Validates ids (non-negative, below `largestID`, unique) and narrows them.
  static func checkedVocabulary(_ raw: [String: Int], file: String, path: String) throws -> [String: Int32] {
    var vocabulary: [String: Int32] = [:]
    vocabulary.reserveCapacity(raw.count)
    var owners: [Int: String] = [:]
    owners.reserveCapacity(raw.count)
    for (token, id) in raw {
      guard id >= 0 && id < largestID else {
        throw TokenizerError(.malformedFile, file: file, "\(path)id \(id) of \(quoted(token)) is out of range")
      }
      if let other = owners[id] {
        let (a, b) = other < token ? (other, token) : (token, other)
        throw TokenizerError(.malformedFile, file: file, "\(path)id \(id) is given to both \(quoted(a)) and \(quoted(b))")
      }
      owners[id] = token
      vocabulary[token] = Int32(id)
    }
    return vocabulary
  }

  /// Reads `merges.txt` into ranked pairs. Trailing empty lines are allowed;
  /// any other line must be exactly two non-empty symbols.
  static func merges(_ url: URL) throws -> [(line: Int, left: String, right: String)] {
    let name = url.lastPathComponent
    let text = try FileReading.text(url)
    // Split on scalars, not Characters: "\r\n" is a single Character.
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
    while let last = lines.last, last.isEmpty || (last.count == 1 && last.first == "\r") {
      lines.removeLast()
    }
    var pairs: [(line: Int, left: String, right: String)] = []
    pairs.reserveCapacity(lines.count)
    for (index, rawLine) in lines.enumerated() {
      let line = rawLine.last == "\r" ? rawLine.dropLast() : rawLine
      if index == 0 && String(line).hasPrefix("#version") { continue }
      let parts = line.split(separator: " ", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw TokenizerError(.malformedFile, file: name, line: index + 1,
          "expected two symbols separated by one space, found \(quoted(String(String.UnicodeScalarView(line))))")
      }
      pairs.append((index + 1, String(String.UnicodeScalarView(parts[0])), String(String.UnicodeScalarView(parts[1]))))
    }
    return pairs
  }

  /// A token shown in an error message: quoted, with control characters
  /// escaped and long tokens shortened.
  static func quoted(_ token: String) -> String {
    var shown = ""
    for scalar in token.unicodeScalars.prefix(40) {
      shown += scalar.properties.generalCategory == .control
        ? scalar.escaped(asASCII: true) : String(scalar)
    }
    if token.unicodeScalars.count > 40 { shown += "…" }
    return "\"\(shown)\""
  }
}
