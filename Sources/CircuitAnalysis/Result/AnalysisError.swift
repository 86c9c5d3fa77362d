import Foundation

/// What an analysis refuses, each with a message that names the culprit.
public enum AnalysisError: Error, Equatable, LocalizedError, CustomStringConvertible {
  /// An answer or wrong token that the tokenizer splits into several tokens.
  case notSingleToken(role: String, text: String, tokens: [String])
  /// Clean and corrupted prompts that do not align token by token.
  case misalignedPair(clean: [String], corrupted: [String])
  case headOutOfRange(layer: Int, head: Int, layers: Int, heads: Int)
  case layerOutOfRange(layer: Int, layers: Int)
  case positionOutOfRange(position: Int, positions: Int)
  case emptyDataset(String)
  /// NaN or infinity in the logits (or a metric) of a run.
  case nonFinite(String)
  case cancelled(completed: Int, total: Int)
  case invalidArgument(String)
  case unknownName(kind: String, name: String, known: [String])
  case incompatibleShards(String)
  case badDatasetFile(path: String, line: Int, message: String)
  case invalidResult(String)

  public var description: String {
    switch self {
    case .notSingleToken(let role, let text, let tokens):
      return "the \(role) \(text.debugDescription) is not a single token: it splits into \(tokens.count) tokens \(tokens.map(\.debugDescription).joined(separator: " + ")) (use a word with a leading space, e.g. \" Mary\")"
    case .misalignedPair(let clean, let corrupted):
      return "clean and corrupted prompts must align token by token, but the clean prompt has \(clean.count) tokens and the corrupted \(corrupted.count):\n  clean:     \(clean.map(\.debugDescription).joined(separator: " "))\n  corrupted: \(corrupted.map(\.debugDescription).joined(separator: " "))"
    case .headOutOfRange(let l, let h, let layers, let heads):
      return "head \(l).\(h) does not exist: the model has \(layers) layers (0-\(layers - 1)) of \(heads) heads (0-\(heads - 1))"
    case .layerOutOfRange(let l, let layers):
      return "layer \(l) does not exist: the model has \(layers) layers (0-\(layers - 1))"
    case .positionOutOfRange(let p, let n):
      return "position \(p) is outside the prompt's \(n) positions (0-\(n - 1))"
    case .emptyDataset(let what): return "empty dataset: \(what)"
    case .nonFinite(let what): return "non-finite value (NaN or infinity) in \(what)"
    case .cancelled(let done, let total): return "cancelled after \(done) of \(total) steps"
    case .invalidArgument(let message): return message
    case .unknownName(let kind, let name, let known):
      return "unknown \(kind) '\(name)'; known: \(known.joined(separator: ", "))"
    case .incompatibleShards(let message): return "cannot merge shards: \(message)"
    case .badDatasetFile(let path, let line, let message): return "\(path):\(line): \(message)"
    case .invalidResult(let message): return "invalid headlab.result/1 object: \(message)"
    }
  }
  public var errorDescription: String? { description }
}
