import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// The weight scores find a head whose OV circuit was planted to do the job: on models/tiny-f32,
/// head 1.2's W_V and W_O are rewritten so that E'[S] · W_V W_O · W_U[S]ᵀ = P exactly for a token
/// set S and a chosen 0/1 map P (W_V = E'[S]ᵀ, W_O = (E'E'ᵀ)⁻¹ P (UUᵀ)⁻¹ U with U = W_U[S]).
/// P = succession makes a successor head, P = identity a copy head, and every other head keeps
/// its score.
final class PlantedOVHeadTests: XCTestCase {
  /// Monday-like cycle of 7 tokens with the first repeated at the end (7 pairs).
  let cycle = [40, 41, 42, 43, 44, 45, 46, 40]
  static let planted = (layer: 1, head: 2)

  /// Solves A X = B for X (A n×n, B n×m, row-major, Gaussian elimination with partial pivoting).
  static func solve(_ a: [Double], _ b: [Double], n: Int, m: Int) -> [Double] {
    var a = a, b = b
    for col in 0..<n {
      let pivot = (col..<n).max { abs(a[$0 * n + col]) < abs(a[$1 * n + col]) }!
      for j in 0..<n { a.swapAt(col * n + j, pivot * n + j) }
      for j in 0..<m { b.swapAt(col * m + j, pivot * m + j) }
      for row in 0..<n where row != col {
        let f = a[row * n + col] / a[col * n + col]
        for j in 0..<n { a[row * n + j] -= f * a[col * n + j] }
        for j in 0..<m { b[row * m + j] -= f * b[col * m + j] }
      }
    }
    for row in 0..<n { for j in 0..<m { b[row * m + j] /= a[row * n + row] } }
    return b
  }

  /// Rewrites head `planted`'s OV circuit so that set[i] maps to set[target(i)].
  static func plant(_ model: TransformerModel, set: [Int], target: (Int) -> Int) throws {
    let C = model.config.modelDim, HS = model.config.headDim, n = set.count
    let e = try EffectiveEmbedding.compute(model, tokens: set).values.map(Double.init)  // [n, C]
    let wte = model.parameters.tensor(.tokenEmbedding)
    let u = set.flatMap { id in (0..<C).map { Double(wte.values[id * C + $0]) } }  // [n, C]
    func gram(_ x: [Double]) -> [Double] {
      (0..<(n * n)).map { k in (0..<C).reduce(0.0) { $0 + x[(k / n) * C + $1] * x[(k % n) * C + $1] } }
    }
    var p = [Double](repeating: 0, count: n * n)
    for i in 0..<n { p[i * n + target(i)] = 1 }
    let x = solve(gram(e), p, n: n, m: n)  // [n, n] = (EEᵀ)⁻¹ P
    let y = solve(gram(u), u, n: n, m: C)  // [n, C] = (UUᵀ)⁻¹ U
    var qkv = model.parameters.tensor(.block(planted.layer, .qkvWeight))  // [C, 3C]
    var wo = model.parameters.tensor(.block(planted.layer, .attnOutWeight))  // [C, C]
    let v0 = 2 * C + planted.head * HS
    for c in 0..<C { for j in 0..<HS { qkv.values[c * 3 * C + v0 + j] = j < n ? Float(e[j * C + c]) : 0 } }
    for j in 0..<HS {
      for c in 0..<C {
        wo.values[(planted.head * HS + j) * C + c] = j < n ? Float((0..<n).reduce(0.0) { $0 + x[j * n + $1] * y[$1 * C + c] }) : 0
      }
    }
    model.parameters.set(.block(planted.layer, .qkvWeight), qkv)
    model.parameters.set(.block(planted.layer, .attnOutWeight), wo)
  }

  func scores(_ f: LensDetectorFixture, _ detectors: [HeadDetector], set: [Int]) throws -> [String: [Double]] {
    let inputs = HeadDetectorInputs(successorTasks: [SuccessorTask(name: "cycle", tokens: cycle)], copyTokens: set)
    let results = try HeadDetectors.run(f.subject, detectors: detectors, inputs: inputs)
    return Dictionary(uniqueKeysWithValues: results.map { ($0.kind, $0.values.numbers.map { $0! }) })
  }

  func check(target: (Int) -> Int, kind: String, expected: Double) throws {
    let f = try LensDetectorFixture()
    let set = Array(Set(cycle)).sorted()
    let before = try scores(f, [.successor, .copy, .negativeCopy], set: set)
    try Self.plant(f.subject.model, set: set, target: target)
    let after = try scores(f, [.successor, .copy, .negativeCopy], set: set)
    let planted = Self.planted
    let index = planted.layer * f.subject.heads + planted.head
    XCTAssertEqual(after[kind]![index], expected, "\(kind) of the planted head \(planted.layer).\(planted.head)")
    XCTAssertNotEqual(before[kind]![index], expected, "\(kind) of head \(planted.layer).\(planted.head) before planting")
    for key in before.keys {
      for i in 0..<8 where i != index { XCTAssertEqual(after[key]![i], before[key]![i], "\(key) of head \(i / 4).\(i % 4) must not change") }
    }
  }

  func testSuccessorScoreFindsAPlantedSuccessorHead() throws {
    try check(target: { ($0 + 1) % 7 }, kind: "detect.successor", expected: 1)
  }

  func testSuccessorScoreIsZeroForAPlantedPredecessorHead() throws {
    try check(target: { ($0 + 6) % 7 }, kind: "detect.successor", expected: 0)
  }

  func testCopyScoresFindAPlantedCopyHead() throws {
    try check(target: { $0 }, kind: "detect.copy", expected: 1)
    try check(target: { $0 }, kind: "detect.negative_copy", expected: 0)
  }
}
