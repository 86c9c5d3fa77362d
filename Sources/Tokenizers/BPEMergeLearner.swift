/// The merge loop of BPE training, over unique words with frequencies.
///
/// Symbols are token ids as they will be in the finished vocabulary: ids
/// 0…255 are the 256 bytes in GPT-2's byte-to-unicode order
/// (`BPETrainer.byteOrder`), and the k-th merge creates id 256 + k. Every
/// merge creates a new byte string: a pair whose concatenation already
/// exists as a symbol (or is a special token's string) is never merged, so
/// merge results, vocabulary entries and ids correspond one to one.
///
/// Bookkeeping is incremental: `pairCounts` holds the weighted count of
/// every adjacent pair over all words, and `wordsByPair` the words in which
/// a pair was ever created (a word may have lost it since; merging checks).
/// A merge touches only the words listed for its pair. A max-heap of
/// (count, pair) entries finds the best pair; entries are validated lazily
/// when popped. This works because merging `a b` → `z` can only lower the
/// counts of pairs without `z`, while pairs with `z` are new and pushed with
/// their count after the merge.
struct BPEMergeLearner {
  /// One heap entry: a pair and its count when pushed.
  private struct Candidate {
    let count: Int
    let pair: UInt64
  }

  /// Symbols of each unique word.
  private(set) var words: [[Int32]]
  /// Weight (frequency) of each word.
  private let weights: [Int]
  /// Bytes of each symbol, by id.
  private(set) var symbolBytes: [[UInt8]]
  /// Byte strings that may not be created by a merge: every symbol's, and
  /// the special tokens'.
  private var taken: Set<[UInt8]>
  private var pairCounts: [UInt64: Int] = [:]
  private var wordsByPair: [UInt64: [Int32]] = [:]
  private var heap = BinaryHeap<Candidate>(heapOrdered: [])
  /// `visited[w] == epoch` when word `w` was already handled in this merge.
  private var visited: [Int]
  private var epoch = 0
  /// The merges made so far, in order, as (left, right) ids.
  private(set) var merges: [(left: Int32, right: Int32)] = []

  /// `words` are byte strings (one pre-token each) with their weights;
  /// `forbidden` are byte strings no merge may produce.
  init(words byteWords: [[UInt8]], weights: [Int], forbidden: [[UInt8]]) {
    precondition(byteWords.count == weights.count)
    let idOfByte = BPETrainer.idOfByte
    words = byteWords.map { $0.map { idOfByte[Int($0)] } }
    self.weights = weights
    symbolBytes = BPETrainer.byteOrder.map { [$0] }
    taken = Set(symbolBytes)
    taken.formUnion(forbidden)
    visited = [Int](repeating: 0, count: byteWords.count)
    for (index, symbols) in words.enumerated() where symbols.count > 1 {
      let weight = weights[index]
      for position in 0..<(symbols.count - 1) {
        let pair = BPEModel.pairKey(symbols[position], symbols[position + 1])
        pairCounts[pair, default: 0] += weight
        noteWord(pair, Int32(index))
      }
    }
    // Build the heap in a deterministic order (dictionary order is not).
    var initial = pairCounts.map { Candidate(count: $0.value, pair: $0.key) }
    let symbolBytes = symbolBytes
    initial.sort { Self.isBefore($0, $1, symbolBytes) }
    heap = BinaryHeap(heapOrdered: initial)
  }

  /// Whether some word still has more than one symbol.
  var hasUnmergedWord: Bool { words.contains { $0.count > 1 } }

  /// The bytes of the symbols of word `index`, one array per symbol.
  func pieces(ofWord index: Int) -> [[UInt8]] { words[index].map { symbolBytes[Int($0)] } }

  /// The best pair still mergeable: highest count, then lexicographically
  /// smallest (left bytes, then right bytes). Nil when none is left.
  mutating func bestPair() -> (left: Int32, right: Int32)? {
    while let top = popCandidate() {
      let current = pairCounts[top.pair] ?? 0
      if current <= 0 { continue }
      if current != top.count {
        push(Candidate(count: current, pair: top.pair))
        continue
      }
      let (left, right) = Self.split(top.pair)
      // Once taken, a byte string stays taken: such a pair is dropped for good.
      if taken.contains(symbolBytes[Int(left)] + symbolBytes[Int(right)]) { continue }
      return (left, right)
    }
    return nil
  }

  /// Merges every occurrence of `left right` (left to right, without
  /// overlap) into a new symbol, which gets the next id. The pair need not
  /// occur in any word; its result must not be taken yet.
  mutating func merge(_ left: Int32, _ right: Int32) {
    let merged = Int32(symbolBytes.count)
    let bytes = symbolBytes[Int(left)] + symbolBytes[Int(right)]
    precondition(!taken.contains(bytes), "merge result already exists")
    symbolBytes.append(bytes)
    taken.insert(bytes)
    merges.append((left, right))
    let pair = BPEModel.pairKey(left, right)
    guard let listed = wordsByPair.removeValue(forKey: pair) else { return }
    epoch += 1
    var created: [UInt64] = []
    for word32 in listed {
      let word = Int(word32)
      guard visited[word] != epoch else { continue }
      visited[word] = epoch
      let old = words[word]
      guard let replaced = Self.replacing(left, right, with: merged, in: old) else { continue }
      let weight = weights[word]
      for position in 0..<(old.count - 1) {
        pairCounts[BPEModel.pairKey(old[position], old[position + 1]), default: 0] -= weight
      }
      for position in 0..<max(replaced.count - 1, 0) {
        let a = replaced[position]
        let b = replaced[position + 1]
        let key = BPEModel.pairKey(a, b)
        let before = pairCounts[key, default: 0]
        pairCounts[key] = before + weight
        if a == merged || b == merged {
          if before == 0 { created.append(key) }
          noteWord(key, word32)
        }
      }
      words[word] = replaced
    }
    pairCounts[pair] = nil
    for key in created where (pairCounts[key] ?? 0) > 0 {
      push(Candidate(count: pairCounts[key]!, pair: key))
    }
  }

  /// `symbols` with each `left right` replaced by `merged`, or nil if the
  /// pair does not occur.
  private static func replacing(_ left: Int32, _ right: Int32, with merged: Int32, in symbols: [Int32]) -> [Int32]? {
    let count = symbols.count
    var first = -1
    var index = 0
    while index + 1 < count {
      if symbols[index] == left && symbols[index + 1] == right {
        first = index
        break
      }
      index += 1
    }
    guard first >= 0 else { return nil }
    var result = Array(symbols[0..<first])
    result.reserveCapacity(count - 1)
    index = first
    while index < count {
      if index + 1 < count && symbols[index] == left && symbols[index + 1] == right {
        result.append(merged)
        index += 2
      } else {
        result.append(symbols[index])
        index += 1
      }
    }
    return result
  }

  /// Records that word `word` contains `pair` (skipping an immediate repeat).
  private mutating func noteWord(_ pair: UInt64, _ word: Int32) {
    if wordsByPair[pair]?.last == word { return }
    wordsByPair[pair, default: []].append(word)
  }

  static func split(_ pair: UInt64) -> (Int32, Int32) {
    (Int32(truncatingIfNeeded: pair >> 32), Int32(truncatingIfNeeded: pair))
  }

  // MARK: - Heap

  /// Heap order: `a` before `b` if its count is higher, or equal with a
  /// lexicographically smaller pair of byte strings.
  private static func isBefore(_ a: Candidate, _ b: Candidate, _ symbolBytes: [[UInt8]]) -> Bool {
    if a.count != b.count { return a.count > b.count }
    if a.pair == b.pair { return false }
    let (aLeft, aRight) = split(a.pair)
    let (bLeft, bRight) = split(b.pair)
    if aLeft != bLeft {
      return symbolBytes[Int(aLeft)].lexicographicallyPrecedes(symbolBytes[Int(bLeft)])
    }
    return symbolBytes[Int(aRight)].lexicographicallyPrecedes(symbolBytes[Int(bRight)])
  }

  // The order reads `symbolBytes` through a local copy (copy-on-write: no
  // bytes are copied), so the closure does not overlap the access to `heap`.

  private mutating func push(_ candidate: Candidate) {
    let symbolBytes = symbolBytes
    heap.push(candidate) { Self.isBefore($0, $1, symbolBytes) }
  }

  private mutating func popCandidate() -> Candidate? {
    let symbolBytes = symbolBytes
    return heap.pop { Self.isBefore($0, $1, symbolBytes) }
  }
}
