/// Training rows and the deterministic batches drawn from them.
///
/// Documents (token ids, without BOS) are packed into rows of `rowLength` = T + 1 tokens: each
/// row starts with BOS, documents follow each other separated by BOS, and the document that
/// overflows a row is cut (its remainder is dropped, so every row starts at a document start,
/// like the prompts the model is later measured on). A row gives inputs row[0..<T] and targets
/// row[1...T].
///
/// The batch for step s is a pure function of (seed, s): rows come in a seeded permutation per
/// epoch, and a fraction of each batch is replaced by induction rows (BOS, then runs of k random
/// tokens each followed by the same k tokens again) generated from (seed, s, row). Resuming at step s therefore sees exactly
/// the batches an uninterrupted run would.
public struct TokenBatches: Sendable {
  /// [rows, rowLength] row-major.
  public let rows: [Int32]
  public let rowLength: Int
  public let bos: Int32
  public let vocabularySize: Int
  public var rowCount: Int { rows.count / rowLength }

  public init(documents: [[Int]], rowLength: Int, bos: Int, vocabularySize: Int) {
    var rows: [Int32] = []
    var current: [Int32] = [Int32(bos)]
    for document in documents where !document.isEmpty {
      if current.count > 1 { current.append(Int32(bos)) }
      current += document.map(Int32.init)
      if current.count >= rowLength {
        rows += current.prefix(rowLength)
        current = [Int32(bos)]
      }
    }
    self.rows = rows
    self.rowLength = rowLength
    self.bos = Int32(bos)
    self.vocabularySize = vocabularySize
  }

  /// Splits off the last `count` rows (e.g. for validation).
  public func split(holdingOut count: Int) -> (training: TokenBatches, heldOut: TokenBatches) {
    let keep = max(0, rowCount - count)
    return (TokenBatches(rows: Array(rows[..<(keep * rowLength)]), rowLength: rowLength, bos: bos, vocabularySize: vocabularySize),
            TokenBatches(rows: Array(rows[(keep * rowLength)...]), rowLength: rowLength, bos: bos, vocabularySize: vocabularySize))
  }

  init(rows: [Int32], rowLength: Int, bos: Int32, vocabularySize: Int) {
    self.rows = rows
    self.rowLength = rowLength
    self.bos = bos
    self.vocabularySize = vocabularySize
  }

  /// Inputs and targets [batch][T] for update number `step`.
  public func batch(step: Int, size: Int, seed: UInt64, inductionFraction: Double) -> (inputs: [[Int]], targets: [[Int]]) {
    precondition(rowCount > 0, "no training rows")
    let induction = Int((Double(size) * inductionFraction).rounded())
    var inputs: [[Int]] = [], targets: [[Int]] = []
    for i in 0..<size {
      let row: [Int32]
      if i >= size - induction {
        row = inductionRow(seed: seed, step: step, index: i)
      } else {
        let global = step * (size - induction) + i
        let epoch = global / rowCount
        let r = permutedIndex(global % rowCount, epoch: epoch, seed: seed)
        row = Array(rows[(r * rowLength)..<((r + 1) * rowLength)])
      }
      inputs.append(row.dropLast().map(Int.init))
      targets.append(row.dropFirst().map(Int.init))
    }
    return (inputs, targets)
  }

  /// BOS, then segments each made of k random non-BOS tokens followed by the same k tokens
  /// again, k drawn from 5...max(5, (rowLength - 1) / 2) per segment, until the row is full (the
  /// last segment may be cut). Varying k matters: with one fixed period a model learns to copy
  /// from a fixed distance back instead of learning induction.
  func inductionRow(seed: UInt64, step: Int, index: Int) -> [Int32] {
    var generator = SplitMix64(seed: seed ^ 0x1D0C_7100 &+ UInt64(step) &* 1_000_003 &+ UInt64(index))
    let longest = max(5, (rowLength - 1) / 2)
    var row = [bos]
    while row.count < rowLength {
      let k = 5 + Int(generator.next() % UInt64(longest - 4))
      var segment: [Int32] = []
      while segment.count < k {
        let t = Int32(generator.next() % UInt64(vocabularySize))
        if t != bos { segment.append(t) }
      }
      row += segment + segment
    }
    return Array(row.prefix(rowLength))
  }

  /// Index `i` of a seeded Fisher-Yates permutation of 0..<rowCount for `epoch` (cached per epoch).
  private func permutedIndex(_ i: Int, epoch: Int, seed: UInt64) -> Int {
    PermutationCache.shared.permutation(count: rowCount, seed: seed &+ UInt64(epoch) &* 0x9E37)[i]
  }
}

/// Remembers the last permutation so each batch does not reshuffle.
final class PermutationCache: @unchecked Sendable {
  static let shared = PermutationCache()
  private var key: (Int, UInt64)?
  private var value: [Int] = []
  private let lock = NSLockShim()

  func permutation(count: Int, seed: UInt64) -> [Int] {
    lock.locked {
      if let key, key == (count, seed) { return value }
      var order = Array(0..<count)
      var generator = SplitMix64(seed: seed)
      for i in stride(from: count - 1, to: 0, by: -1) {
        order.swapAt(i, Int(generator.next() % UInt64(i + 1)))
      }
      key = (count, seed)
      value = order
      return order
    }
  }
}
