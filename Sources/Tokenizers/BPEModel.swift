/// The byte-pair-encoding model proper: a vocabulary plus ranked merges,
/// applied to the bytes of one pre-token piece.
///
/// Everything works on token ids. A piece starts as one symbol per byte
/// (the id of that byte's character); then, repeatedly, the adjacent pair
/// with the lowest merge rank (leftmost on ties) is replaced by its merge
/// result, until no adjacent pair has a merge. This is the order Hugging
/// Face `tokenizers` uses; with a properly trained merge list it gives the
/// same result as OpenAI's "merge every occurrence of the best pair" loop.
/// A priority queue keeps long pieces at O(n log n).
struct BPEModel: Sendable {
  /// The result of merging a pair.
  struct Merge: Sendable {
    let rank: Int32
    let result: Int32
  }

  /// Token string (byte-level form) → id.
  let vocabulary: [String: Int32]
  /// `left << 32 | right` → merge.
  let merges: [UInt64: Merge]
  /// The id of each byte's one-character token, or -1 if the vocabulary
  /// lacks it.
  let byteIDs: [Int32]
  /// Id for bytes missing from the vocabulary; when nil they are dropped
  /// (both as in `tokenizers`' BPE without `unk_token`).
  let unknownID: Int32?
  /// Whether consecutive unknown bytes fuse into one unknown token.
  let fuseUnknown: Bool
  /// `ignore_merges`: a piece that is itself in the vocabulary is emitted
  /// whole without running the merges.
  let ignoreMerges: Bool

  init(
    vocabulary: [String: Int32], merges: [UInt64: Merge], unknownID: Int32? = nil,
    fuseUnknown: Bool = false, ignoreMerges: Bool = false
  ) {
    self.vocabulary = vocabulary
    self.merges = merges
    self.unknownID = unknownID
    self.fuseUnknown = fuseUnknown
    self.ignoreMerges = ignoreMerges
    byteIDs = ByteLevel.scalars.map { vocabulary[String($0)] ?? -1 }
  }

  @inline(__always)
  static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
  }

  /// Token ids for one piece.
  func encode(_ piece: UnsafeBufferPointer<UInt8>) -> [Int32] {
    encode(piece, trace: nil)
  }

  /// Token ids for one piece, reporting each merge applied, in order.
  func encode(_ piece: UnsafeBufferPointer<UInt8>, trace: ((Int32, Int32, Merge) -> Void)?) -> [Int32] {
    if ignoreMerges, let id = vocabulary[ByteLevel.encode(piece)] { return [id] }
    var symbols = initialSymbols(piece)
    if symbols.count < 2 { return symbols }
    let count = symbols.count
    // A doubly linked list over the symbols; merged-away symbols are marked dead.
    var next = Array(1...count)
    next[count - 1] = -1
    var previous = Array(-1..<(count - 1))
    var alive = [Bool](repeating: true, count: count)
    var queue = MergeQueue(capacity: count)
    for i in 0..<(count - 1) {
      if let merge = merges[Self.pairKey(symbols[i], symbols[i + 1])] {
        queue.push(.init(rank: merge.rank, position: i, result: merge.result))
      }
    }
    while let candidate = queue.pop() {
      let left = candidate.position
      let right = next[left]
      guard alive[left], right >= 0,
        let merge = merges[Self.pairKey(symbols[left], symbols[right])],
        merge.result == candidate.result
      else { continue }
      trace?(symbols[left], symbols[right], merge)
      symbols[left] = merge.result
      alive[right] = false
      next[left] = next[right]
      if next[right] >= 0 { previous[next[right]] = left }
      let before = previous[left]
      if before >= 0, let merge = merges[Self.pairKey(symbols[before], symbols[left])] {
        queue.push(.init(rank: merge.rank, position: before, result: merge.result))
      }
      let after = next[left]
      if after >= 0, let merge = merges[Self.pairKey(symbols[left], symbols[after])] {
        queue.push(.init(rank: merge.rank, position: left, result: merge.result))
      }
    }
    var result: [Int32] = []
    var index = 0
    while index >= 0 {
      result.append(symbols[index])
      index = next[index]
    }
    return result
  }

  /// One symbol per byte, with unknown bytes replaced or dropped.
  private func initialSymbols(_ piece: UnsafeBufferPointer<UInt8>) -> [Int32] {
    var symbols: [Int32] = []
    symbols.reserveCapacity(piece.count)
    var lastWasUnknown = false
    for byte in piece {
      let id = byteIDs[Int(byte)]
      if id >= 0 {
        symbols.append(id)
        lastWasUnknown = false
      } else if let unknownID {
        if !(fuseUnknown && lastWasUnknown) { symbols.append(unknownID) }
        lastWasUnknown = true
      }
    }
    return symbols
  }
}
