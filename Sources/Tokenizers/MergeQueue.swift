/// A binary min-heap of candidate merges, ordered by merge rank and then by
/// position, so that the best-ranked, leftmost pair is always merged next.
struct MergeQueue {
  struct Candidate {
    /// `rank << 32 | position`: one comparison orders by rank, then position.
    let key: UInt64
    /// The token id the pair merges into, used to detect stale candidates.
    let result: Int32

    var position: Int { Int(key & 0xFFFF_FFFF) }
    var rank: Int { Int(key >> 32) }

    init(rank: Int32, position: Int, result: Int32) {
      key = UInt64(UInt32(rank)) << 32 | UInt64(UInt32(position))
      self.result = result
    }
  }

  private var heap: BinaryHeap<Candidate>

  init(capacity: Int) { heap = BinaryHeap(capacity: capacity) }

  mutating func push(_ candidate: Candidate) { heap.push(candidate, by: Self.isBefore) }

  mutating func pop() -> Candidate? { heap.pop(by: Self.isBefore) }

  private static func isBefore(_ a: Candidate, _ b: Candidate) -> Bool { a.key < b.key }
}
