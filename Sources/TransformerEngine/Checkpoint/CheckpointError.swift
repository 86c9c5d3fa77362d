import Foundation

/// Why a model directory or checkpoint file was refused. Every message names the file and, where
/// there is one, the tensor or key.
public enum CheckpointError: Error, Equatable, LocalizedError, CustomStringConvertible {
  case modelNotFound(reference: String, searched: [String])
  case missingFile(directory: String, expected: String)
  case pickleRefused(file: String)
  case unreadable(file: String, reason: String)
  /// A symbolic link (as in a Hugging Face cache snapshot) whose target does not exist.
  case danglingLink(link: String, target: String)
  /// A Hugging Face cache repository folder that does not say which snapshot to load.
  case badCache(file: String, reason: String)
  case unwritable(file: String, reason: String)
  case badHeader(file: String, reason: String)
  case badTensor(file: String, tensor: String, reason: String)
  case unsupportedDType(file: String, tensor: String, dtype: String)
  case badConfig(file: String, reason: String)
  case missingTensor(tensor: String, files: [String])
  case unexpectedTensor(file: String, tensor: String)
  case shapeMismatch(file: String, tensor: String, expected: [Int], got: [Int])
  case duplicateTensor(tensor: String, files: [String])

  public var description: String {
    switch self {
    case .modelNotFound(let reference, let searched):
      return "model '\(reference)' not found: it is not a directory, and no offline Hugging Face cache entry matches (searched \(searched.joined(separator: ", ")))"
    case .missingFile(let directory, let expected):
      return "\(directory): no \(expected)"
    case .pickleRefused(let file):
      return "\(file): pytorch_model.bin is a Python pickle and HeadLab never unpickles files. Convert it once with: python -c \"from transformers import AutoModelForCausalLM as M; M.from_pretrained('DIR').save_pretrained('DIR', safe_serialization=True)\""
    case .unreadable(let file, let reason): return "\(file): cannot read: \(reason)"
    case .danglingLink(let link, let target):
      let resolved = URL(fileURLWithPath: target, relativeTo: URL(fileURLWithPath: link).deletingLastPathComponent()).standardizedFileURL.path
      let shown = resolved == target ? target : "\(target) (\(resolved))"
      return "\(link): symbolic link to \(shown), which does not exist; in a Hugging Face cache this is a blob missing from an interrupted or pruned download: download the model again"
    case .badCache(let file, let reason): return "\(file): \(reason)"
    case .unwritable(let file, let reason): return "\(file): cannot write: \(reason) (the previous file, if any, is unchanged)"
    case .badHeader(let file, let reason): return "\(file): bad safetensors header: \(reason)"
    case .badTensor(let file, let tensor, let reason): return "\(file): tensor '\(tensor)': \(reason)"
    case .unsupportedDType(let file, let tensor, let dtype):
      return "\(file): tensor '\(tensor)' has dtype \(dtype); supported: F32, F16, BF16"
    case .badConfig(let file, let reason): return "\(file): \(reason)"
    case .missingTensor(let tensor, let files):
      return "tensor '\(tensor)' is missing from \(files.joined(separator: ", "))"
    case .unexpectedTensor(let file, let tensor):
      return "\(file): tensor '\(tensor)' is not used by this architecture"
    case .shapeMismatch(let file, let tensor, let expected, let got):
      return "\(file): tensor '\(tensor)' has shape \(got) but the config needs \(expected)"
    case .duplicateTensor(let tensor, let files):
      return "tensor '\(tensor)' appears in more than one file: \(files.joined(separator: ", "))"
    }
  }
  public var errorDescription: String? { description }
}
