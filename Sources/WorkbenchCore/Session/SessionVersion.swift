/// The version of the session file format: a newer minor version only adds fields (an older
/// HeadLab reads it and ignores them), a newer major version changes their meaning (refused).
public struct SessionVersion: Codable, Comparable, Hashable, Sendable, CustomStringConvertible {
  public var major: Int
  public var minor: Int

  public init(major: Int, minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// The version this HeadLab writes, and the newest it reads in full.
  public static let current = SessionVersion(major: 1, minor: 0)

  public static func < (a: SessionVersion, b: SessionVersion) -> Bool {
    (a.major, a.minor) < (b.major, b.minor)
  }

  public var description: String { "\(major).\(minor)" }
}
