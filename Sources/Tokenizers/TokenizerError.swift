import Foundation

/// Why a tokenizer could not be loaded (or written). The message is one line and names
/// the file (and line, where there is one), e.g.
/// `merges.txt line 17: expected two symbols separated by one space`.
public struct TokenizerError: Error, LocalizedError, CustomStringConvertible, Equatable, Sendable {
  /// The broad kind of failure, for callers that branch on it.
  public enum Kind: Sendable, Equatable {
    /// A named file does not exist.
    case fileNotFound
    /// A file exists but could not be read, or is not UTF-8.
    case unreadableFile
    /// A file's content is not what its format requires.
    case malformedFile
    /// A well-formed file asks for something this tokenizer does not do.
    case unsupportedFeature
    /// A model directory holds no tokenizer files.
    case noTokenizerFiles
    /// A tokenizer file could not be written.
    case unwritableFile
  }

  public let kind: Kind
  /// The file (usually its name, e.g. `vocab.json`) or directory at fault.
  public let file: String
  /// 1-based line number, for line-oriented files.
  public let line: Int?
  /// What is wrong, without the file name.
  public let message: String

  public init(_ kind: Kind, file: String, line: Int? = nil, _ message: String) {
    self.kind = kind
    self.file = file
    self.line = line
    self.message = message
  }

  public var description: String {
    if let line { return "\(file) line \(line): \(message)" }
    return "\(file): \(message)"
  }

  public var errorDescription: String? { description }
}
