/// A dense row-major Float32 tensor: flat storage plus a shape.
///
/// Tensors are values (copy-on-write through `Array`). The engine's hot loops work on raw
/// pointers into workspaces; `Tensor` is what crosses the API: hook arguments, cache entries,
/// logits, references in tests.
public struct Tensor: Equatable, Sendable {
  /// Sizes of each axis, outermost first; `[]` is a scalar.
  public private(set) var shape: [Int]
  /// `shape.reduce(1, *)` elements in row-major order.
  public var values: [Float]

  public init(shape: [Int], values: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
    precondition(shape.reduce(1, *) == values.count,
                 "shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
    self.shape = shape
    self.values = values
  }

  /// A tensor of the given shape filled with `value`.
  public init(shape: [Int], repeating value: Float = 0) {
    self.init(shape: shape, values: [Float](repeating: value, count: shape.reduce(1, *)))
  }

  /// Copies `count` floats starting at `pointer`.
  public init(shape: [Int], copying pointer: UnsafePointer<Float>) {
    self.init(shape: shape, values: Array(UnsafeBufferPointer(start: pointer, count: shape.reduce(1, *))))
  }

  public var count: Int { values.count }
  public var rank: Int { shape.count }

  /// Row-major strides in elements.
  public var strides: [Int] {
    var result = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in shape.indices.reversed() {
      result[axis] = running
      running *= shape[axis]
    }
    return result
  }

  /// The flat index of a multi-index.
  public func offset(_ index: [Int]) -> Int {
    precondition(index.count == shape.count, "index \(index) has rank \(index.count), tensor has shape \(shape)")
    var flat = 0
    for (axis, i) in index.enumerated() {
      precondition(i >= 0 && i < shape[axis], "index \(index) out of range for shape \(shape)")
      flat = flat * shape[axis] + i
    }
    return flat
  }

  public subscript(_ index: Int...) -> Float {
    get { values[offset(index)] }
    set { values[offset(index)] = newValue }
  }

  /// The same values under another shape with the same element count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, values: values)
  }

  /// Largest absolute elementwise difference; infinities of the same sign count as equal.
  public func maxAbsDifference(_ other: Tensor) -> Float {
    precondition(shape == other.shape, "shape \(shape) vs \(other.shape)")
    var worst: Float = 0
    for i in values.indices {
      let a = values[i], b = other.values[i]
      if a == b { continue }
      let d = abs(a - b)
      if d.isNaN { return .nan }
      worst = max(worst, d)
    }
    return worst
  }
}
