/// A binary heap stored in an array: `pop` returns the element that comes
/// first in the heap's order.
///
/// The order is passed to each call as `isBefore(a, b)` (`a` comes out
/// before `b`) rather than stored, so it may read state that grows between
/// calls (`BPEMergeLearner` compares symbol bytes). Every call must order the
/// stored elements the same way.
struct BinaryHeap<Element> {
  private var elements: [Element] = []

  init(capacity: Int) { elements.reserveCapacity(capacity) }

  /// A heap over `elements`, which must already be in heap order (an array
  /// sorted by the order is).
  init(heapOrdered elements: [Element]) { self.elements = elements }

  mutating func push(_ element: Element, by isBefore: (Element, Element) -> Bool) {
    elements.append(element)
    var child = elements.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard isBefore(elements[child], elements[parent]) else { break }
      elements.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop(by isBefore: (Element, Element) -> Bool) -> Element? {
    guard let last = elements.popLast() else { return nil }
    guard !elements.isEmpty else { return last }
    let top = elements[0]
    elements[0] = last
    var parent = 0
    while true {
      let left = 2 * parent + 1
      guard left < elements.count else { break }
      var first = left
      if left + 1 < elements.count && isBefore(elements[left + 1], elements[left]) { first = left + 1 }
      guard isBefore(elements[first], elements[parent]) else { break }
      elements.swapAt(first, parent)
      parent = first
    }
    return top
  }
}
