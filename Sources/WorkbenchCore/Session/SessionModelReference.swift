/// The model a session ran on: what the user typed (`default`, a directory, a hub name), the
/// directory it resolved to, and the SHA-256 over its weight files (`ModelIdentity.checksum(of:)`),
/// so that opening the session can tell a missing model from a changed one.
public struct SessionModelReference: Codable, Equatable, Sendable {
  /// The name or path as the user gave it (`default`, `gpt2`, `~/models/tiny`).
  public var reference: String
  /// The absolute directory it resolved to when the session was saved.
  public var directory: String
  /// SHA-256 (lowercase hex) over the weight files.
  public var sha256: String

  public init(reference: String, directory: String, sha256: String) {
    self.reference = reference
    self.directory = directory
    self.sha256 = sha256
  }
}
