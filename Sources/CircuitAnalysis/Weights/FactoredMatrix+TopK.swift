import TransformerEngine

extension FactoredMatrix {
  /// One entry of a top-k row: a column of M and its value.
  public struct Entry: Equatable, Sendable {
    public let column: Int
    public let value: Float
  }

  /// The k largest entries (or, with `largest: false`, the k smallest) of each row of `rows`
  /// (every row when nil), largest (smallest) first, ties to the lower column (`TopK`). Rows are
  /// computed in blocks of about `blockElements` floats, A[block]·B, so memory stays bounded
  /// whatever m and n are. `columnLimit(i)` restricts row i to the columns 0..<limit (a causal
  /// mask); a row then lists min(k, limit) entries.
  public func topK(
    rows selected: [Int]? = nil, k: Int, largest: Bool = true, columnLimit: ((Int) -> Int)? = nil, blockElements: Int = 1 << 22
  ) -> [[Entry]] {
    let rowList = selected ?? Array(0..<rows)
    precondition(rowList.allSatisfy { $0 >= 0 && $0 < rows }, "FactoredMatrix.topK: a row index outside 0..<\(rows)")
    guard k > 0, columns > 0 else { return rowList.map { _ in [] } }
    let blockRows = max(1, min(rowList.count, blockElements / columns))
    var out: [[Entry]] = []
    out.reserveCapacity(rowList.count)
    var a = [Float](repeating: 0, count: blockRows * inner)  // [R, r]
    var block = [Float](repeating: 0, count: blockRows * columns)  // [R, n]
    var start = 0
    while start < rowList.count {
      let ids = rowList[start..<min(start + blockRows, rowList.count)]
      for (b, i) in ids.enumerated() {
        for c in 0..<inner { a[b * inner + c] = left[i * inner + c] }
      }
      if inner > 0 {
        BLAS.matmul(a, right, into: &block, m: ids.count, n: columns, k: inner)
      } else {
        for j in 0..<(ids.count * columns) { block[j] = 0 }
      }
      for (b, i) in ids.enumerated() {
        let limit = min(columns, max(0, columnLimit?(i) ?? columns))
        let values = (0..<limit).map { largest ? block[b * columns + $0] : -block[b * columns + $0] }
        out.append(TopK.indices(values, count: k).map { Entry(column: $0, value: block[b * columns + $0]) })
      }
      start += ids.count
    }
    return out
  }
}
