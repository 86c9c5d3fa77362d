import TransformerEngine
import XCTest

/// Fails unless `actual` and `expected` have the same shape and every element differs by at most
/// `tolerance` (infinities must match exactly; NaN never matches). The message names `label`,
/// the worst element and its index.
public func assertClose(
  _ actual: Tensor, _ expected: Tensor, tolerance: Float, _ label: @autoclosure () -> String,
  file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.shape == expected.shape else {
    XCTFail("\(label()): shape \(actual.shape) != expected \(expected.shape)", file: file, line: line)
    return
  }
  var worst: Float = 0
  var worstIndex = -1
  for i in actual.values.indices {
    let a = actual.values[i], e = expected.values[i]
    if a == e { continue }
    let d = abs(a - e)
    if !(d <= worst) || d.isNaN {
      worst = d.isNaN ? .infinity : d
      worstIndex = i
      if d.isNaN || d.isInfinite { break }
    }
  }
  if worst > tolerance {
    XCTFail("\(label()): max abs difference \(worst) > \(tolerance) at flat index \(worstIndex) (got \(actual.values[worstIndex]), expected \(expected.values[worstIndex]))",
            file: file, line: line)
  }
}

/// Deterministic pseudo-random floats in [-scale, scale).
public func seededValues(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
  var generator = SplitMix64(seed: seed)
  return (0..<count).map { _ in (Float(generator.next() >> 40) / Float(1 << 24) * 2 - 1) * scale }
}

/// A small GPT-2-shaped model with seeded random weights, for tests that need no reference.
public func tinyRandomModel(
  layers: Int = 2, heads: Int = 2, modelDim: Int = 16, contextLength: Int = 12, vocabularySize: Int = 23, seed: UInt64 = 7
) throws -> TransformerModel {
  let config = ModelConfig(layers: layers, heads: heads, modelDim: modelDim, contextLength: contextLength, vocabularySize: vocabularySize)
  let model = try TransformerModel(config: config)
  for (i, entry) in model.parameters.layout.entries.enumerated() {
    let values = seededValues(entry.count, seed: seed &+ UInt64(i), scale: 0.5)
    model.parameters.set(entry.name, Tensor(shape: entry.shape, values: values))
  }
  return model
}
