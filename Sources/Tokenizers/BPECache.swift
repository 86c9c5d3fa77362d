import Foundation

/// A thread-safe memo of piece bytes → token ids, so that frequent words are
/// merged once. Bounded: when full it is emptied and starts again.
final class BPECache: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [[UInt8]: [Int32]] = [:]
  private let capacity: Int

  init(capacity: Int) { self.capacity = capacity }

  func value(for key: [UInt8]) -> [Int32]? {
    lock.lock()
    defer { lock.unlock() }
    return storage[key]
  }

  func insert(_ value: [Int32], for key: [UInt8]) {
    lock.lock()
    defer { lock.unlock() }
    if storage.count >= capacity { storage.removeAll(keepingCapacity: true) }
    storage[key] = value
  }
}
