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

  private var heap: [Candidate] = []

  init(capacity: Int) { heap.reserveCapacity(capacity) }

  mutating func push(_ candidate: Candidate) {
    heap.append(candidate)
    var child = heap.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard heap[child].key < heap[parent].key else { break }
      heap.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> Candidate? {
    guard let last = heap.popLast() else { return nil }
    guard !heap.isEmpty else { return last }
    let top = heap[0]
    heap[0] = last
    var parent = 0
    while true {
      let left = 2 * parent + 1
      guard left < heap.count else { break }
      var smallest = left
      if left + 1 < heap.count && heap[left + 1].key < heap[left].key { smallest = left + 1 }
      guard heap[smallest].key < heap[parent].key else { break }
      heap.swapAt(smallest, parent)
      parent = smallest
    }
    return top
  }
}
