/// The largest entries of a vector of logits or scores, found in one pass without sorting it.
public enum TopK {
  /// The indices of the `count` largest values, largest first; ties go to the lower index (so the
  /// first is the arg-max that greedy generation picks). [V] in, [min(count, V)] out.
  public static func indices(_ values: [Float], count: Int) -> [Int] {
    guard count > 0 else { return [] }
    var best: [Int] = []  // indices, best first
    best.reserveCapacity(count + 1)
    for (index, value) in values.enumerated() {
      if best.count == count, let worst = best.last, values[worst] >= value { continue }
      var slot = best.count
      while slot > 0, values[best[slot - 1]] < value { slot -= 1 }
      best.insert(index, at: slot)
      if best.count > count { best.removeLast() }
    }
    return best
  }
}
