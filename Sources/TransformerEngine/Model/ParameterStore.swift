/// One flat, 64-byte aligned Float32 allocation holding every tensor of a `ParameterLayout`.
/// Used for weights, and (in training) for their gradients and optimiser moments.
public final class ParameterStore: @unchecked Sendable {
  public let layout: ParameterLayout
  /// `layout.storageCount` floats; padding between tensors is kept at zero.
  public let base: UnsafeMutablePointer<Float>

  public init(layout: ParameterLayout) {
    self.layout = layout
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(1, layout.storageCount) * MemoryLayout<Float>.stride, alignment: 64)
    base = raw.bindMemory(to: Float.self, capacity: max(1, layout.storageCount))
    base.initialize(repeating: 0, count: max(1, layout.storageCount))
  }

  deinit { base.deallocate() }

  /// Start of a tensor. Traps on a name the layout lacks (a programming error, not user input).
  public func pointer(_ name: ParameterName) -> UnsafeMutablePointer<Float> {
    guard let entry = layout.entry(name) else { preconditionFailure("no parameter \(name) in layout") }
    return base + entry.offset
  }

  public func tensor(_ name: ParameterName) -> Tensor {
    let entry = layout.entry(name)!
    return Tensor(shape: entry.shape, copying: base + entry.offset)
  }

  public func set(_ name: ParameterName, _ tensor: Tensor) {
    let entry = layout.entry(name)!
    precondition(entry.shape == tensor.shape, "\(name): shape \(tensor.shape) vs \(entry.shape)")
    tensor.values.withUnsafeBufferPointer { (base + entry.offset).update(from: $0.baseAddress!, count: entry.count) }
  }

  /// Sets every float (padding included) to zero.
  public func zero() { base.update(repeating: 0, count: max(1, layout.storageCount)) }

  public func copy(from other: ParameterStore) {
    precondition(other.layout.storageCount == layout.storageCount)
    base.update(from: other.base, count: layout.storageCount)
  }
}
