/// The Levenshtein distance (insertions, deletions and substitutions of Unicode scalars), used for
/// "did you mean" suggestions.
enum EditDistance {
  static func between(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)  // [b.count + 1]: distances from a[..<i] to each b prefix
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in stride(from: 1, through: b.count, by: 1) {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      previous = current
    }
    return previous[b.count]
  }

  /// The closest of `candidates` to `text` (ignoring case), when it is close enough to be a typo:
  /// at most 2 edits, and fewer edits than the candidate has characters.
  static func suggestion(for text: String, among candidates: [String]) -> String? {
    let typed = text.lowercased()
    var best: (name: String, distance: Int)?
    for candidate in candidates {
      let distance = between(typed, candidate.lowercased())
      guard distance <= 2, distance < candidate.unicodeScalars.count else { continue }
      if best == nil || distance < best!.distance { best = (candidate, distance) }
    }
    return best?.name
  }
}
