import Foundation

/// Everything the engine can refuse, each case with a one-line message naming the culprit.
public enum EngineError: Error, Equatable, LocalizedError, CustomStringConvertible {
  case invalidConfig(String)
  case emptyPrompt
  case raggedBatch(lengths: [Int])
  case promptTooLong(length: Int, contextLength: Int)
  case tokenOutOfRange(id: Int, vocabularySize: Int)
  case unknownHook(name: String, suggestion: String?)
  case hookChangedShape(hook: String, expected: [Int], got: [Int])
  case badLogitPosition(Int, positions: Int)
  case cancelled
  case unsupportedHooks(String)

  public var description: String {
    switch self {
    case .invalidConfig(let message): return "invalid model configuration: \(message)"
    case .emptyPrompt: return "empty prompt: there are no tokens to run"
    case .raggedBatch(let lengths):
      return "prompts in one batch must have the same number of tokens, got lengths \(lengths)"
    case .promptTooLong(let length, let context):
      return "prompt is \(length) tokens but the model's context is \(context) positions (n_positions)"
    case .tokenOutOfRange(let id, let vocab):
      return "token id \(id) is outside the vocabulary (size \(vocab))"
    case .unknownHook(let name, let suggestion):
      return "unknown hook name '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
    case .hookChangedShape(let hook, let expected, let got):
      return "hook on \(hook) returned shape \(got), expected \(expected)"
    case .badLogitPosition(let p, let n):
      return "logit position \(p) is outside the prompt's \(n) positions"
    case .cancelled: return "cancelled"
    case .unsupportedHooks(let message): return "unsupported hook combination: \(message)"
    }
  }
  public var errorDescription: String? { description }
}
