import TransformerEngine

/// The mod-10 structure check of Gould et al. 2024 ("Successor Heads", section 4; papers.md
/// section 2): a `RidgeProbe` of index mod 10 on the MLP0 outputs of numeric tokens, scored by
/// leave-one-decade-out cross-validation (fold d holds out every token with ⌊index / 10⌋ = d, so
/// " 23", " twenty" and no other decade-2 token is ever seen in training for its own prediction),
/// beside the same probe on seeded shuffles of the labels. With few points in many dimensions a
/// probe separates any labels on its training set; only the held-out accuracy above the shuffled
/// one says the labels are linearly encoded.
public struct ModTenProbe: Sendable {
  public static let classes = 10

  /// Features [N, C] row-major, with each row's index (1 for " 1", " one", " first", " January").
  public let features: [Double]
  public let C: Int
  public let indices: [Int]
  /// The ridge strength α of `RidgeProbe`.
  public let alpha: Double

  public init(features: [Double], C: Int, indices: [Int], alpha: Double) {
    self.features = features
    self.C = C
    self.indices = indices
    self.alpha = alpha
  }

  public var labels: [Int] { indices.map { $0 % Self.classes } }
  public var decades: [Int] { indices.map { $0 / Self.classes } }

  /// Held-out predictions of every row under leave-one-decade-out cross-validation with `labels`
  /// (the true labels or a shuffle of them), and the held-out scores [N][classes].
  public func heldOut(labels: [Int]) throws -> (predictions: [Int], scores: [[Double]]) {
    let N = indices.count
    var predictions = [Int](repeating: -1, count: N)
    var scores = [[Double]](repeating: [], count: N)
    for decade in Set(decades).sorted() {
      let train = (0..<N).filter { decades[$0] != decade }
      guard !train.isEmpty else { throw AnalysisError.invalidArgument("the mod-10 probe needs tokens from at least two decades; all \(N) are in decade \(decade)") }
      let probe = try RidgeProbe(features: train.flatMap { row($0) }, C: C, labels: train.map { labels[$0] }, classes: Self.classes, alpha: alpha)
      for n in 0..<N where decades[n] == decade {
        scores[n] = probe.scores(row(n))
        predictions[n] = probe.predict(row(n))
      }
    }
    return (predictions, scores)
  }

  /// Accuracy on the training set itself, fitted on every row with `labels`.
  public func trainingAccuracy(labels: [Int]) throws -> Double {
    let probe = try RidgeProbe(features: features, C: C, labels: labels, classes: Self.classes, alpha: alpha)
    return Self.accuracy((0..<indices.count).map { probe.predict(row($0)) }, labels)
  }

  func row(_ n: Int) -> ArraySlice<Double> { features[(n * C)..<((n + 1) * C)] }

  public static func accuracy(_ predictions: [Int], _ labels: [Int]) -> Double {
    Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
  }

  /// `count` permutations of `labels`, drawn one after another from SplitMix64(seed): each a
  /// Fisher–Yates shuffle with j = next() mod (i + 1) for i = N−1 … 1, spelled out so that
  /// scripts/make_successor_probe_fixtures.py draws the same.
  public static func shuffles(of labels: [Int], count: Int, seed: UInt64) -> [[Int]] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in
      var out = labels
      for i in stride(from: out.count - 1, through: 1, by: -1) { out.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
      return out
    }
  }
}
