/// Cuts text into runs of ordinary text and occurrences of added tokens.
///
/// Follows Hugging Face `tokenizers`: tokens that are not `normalized` are
/// found first, over the whole input; `normalized` ones are then found inside
/// each remaining text run. Within a pass, matching is leftmost-longest and
/// non-overlapping (like its Aho–Corasick automaton). A `singleWord` match
/// glued to a word character is dropped and scanning resumes after it;
/// `stripsLeft`/`stripsRight` widen a match over adjacent whitespace.
struct AddedTokenSplitter: Sendable {
  /// One run of the input: plain text, or an added token.
  enum Segment: Equatable {
    case text(Range<Int>)
    case token(id: Int32, range: Range<Int>)
  }

  private let firstPass: TokenSet
  private let secondPass: TokenSet

  var isEmpty: Bool { firstPass.tokens.isEmpty && secondPass.tokens.isEmpty }

  init(_ tokens: [AddedToken]) {
    firstPass = TokenSet(tokens.filter { !$0.normalized && !$0.content.isEmpty })
    secondPass = TokenSet(tokens.filter { $0.normalized && !$0.content.isEmpty })
  }

  /// Splits `bytes[range]` (well-formed UTF-8) into segments.
  func split(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> [Segment] {
    if isEmpty { return range.isEmpty ? [] : [.text(range)] }
    var result: [Segment] = []
    for segment in firstPass.split(bytes, range: range) {
      if case .text(let inner) = segment {
        result.append(contentsOf: secondPass.split(bytes, range: inner))
      } else {
        result.append(segment)
      }
    }
    return result
  }
}

/// The added tokens searched for in one pass.
private struct TokenSet: Sendable {
  struct Entry: Sendable {
    let bytes: [UInt8]
    let token: AddedToken
  }

  let tokens: [Entry]
  /// Indices into `tokens` by first byte.
  let byFirstByte: [[Int]]

  init(_ added: [AddedToken]) {
    tokens = added.map { Entry(bytes: Array($0.content.utf8), token: $0) }
    var table = [[Int]](repeating: [], count: 256)
    for (index, entry) in tokens.enumerated() { table[Int(entry.bytes[0])].append(index) }
    byFirstByte = table
  }

  /// The longest token occurring at `index` and ending by `limit`.
  func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, limit: Int) -> Entry? {
    var best: Entry?
    for candidate in byFirstByte[Int(bytes[index])] {
      let entry = tokens[candidate]
      let length = entry.bytes.count
      guard index + length <= limit, length > (best?.bytes.count ?? 0) else { continue }
      var same = true
      for k in 1..<length where bytes[index + k] != entry.bytes[k] {
        same = false
        break
      }
      if same { best = entry }
    }
    return best
  }

  func split(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> [AddedTokenSplitter.Segment] {
    guard !tokens.isEmpty else { return range.isEmpty ? [] : [.text(range)] }
    var segments: [AddedTokenSplitter.Segment] = []
    var textStart = range.lowerBound
    var index = range.lowerBound
    while index < range.upperBound {
      guard !byFirstByte[Int(bytes[index])].isEmpty,
        let entry = longestMatch(bytes, at: index, limit: range.upperBound)
      else {
        index += 1
        continue
      }
      var start = index
      var stop = index + entry.bytes.count
      index = stop
      let token = entry.token
      if token.singleWord {
        let gluedBefore = start > range.lowerBound
          && WordCharacters.isWordCharacter(
            UTF8Scanning.scalar(in: bytes, endingAt: start, notBefore: range.lowerBound))
        let gluedAfter = stop < range.upperBound
          && WordCharacters.isWordCharacter(Unicode.Scalar(UTF8Scanning.scalar(in: bytes, at: stop).value)!)
        if gluedBefore || gluedAfter { continue }
      }
      if token.stripsLeft {
        start = max(WordCharacters.startOfTrailingWhitespace(bytes, range: range.lowerBound..<start), textStart)
      }
      if token.stripsRight {
        stop = WordCharacters.endOfLeadingWhitespace(bytes, range: stop..<range.upperBound)
        index = stop
      }
      if textStart < start { segments.append(.text(textStart..<start)) }
      segments.append(.token(id: Int32(token.id), range: start..<stop))
      textStart = stop
    }
    if textStart < range.upperBound { segments.append(.text(textStart..<range.upperBound)) }
    return segments
  }
}
