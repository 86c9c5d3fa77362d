import Foundation

/// A mutex with a closure API.
final class NSLockShim: @unchecked Sendable {
  private let lock = NSLock()
  func locked<R>(_ body: () throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }
}
