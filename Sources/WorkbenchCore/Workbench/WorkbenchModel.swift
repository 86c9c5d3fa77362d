import CircuitAnalysis
import Foundation
import Tokenizers
import TransformerEngine

/// A loaded model with its tokenizer, as the workbench holds it.
public struct WorkbenchModel {
  /// What the user wrote (`default`, a path, a cache name).
  public let reference: String
  public let directory: ModelDirectory
  public let subject: AnalysisSubject
  public let tokenizer: BPETokenizer
  /// What loading found: files, dtypes, bytes, tensors dropped.
  public let report: ModelLoader.Report
  /// The engine.
  public var model: TransformerModel { subject.model }

  /// Loads `reference`: `default` is the embedded model, anything else a directory or a name in
  /// the offline Hugging Face cache.
  public init(reference: String) throws {
    let directory: ModelDirectory
    if reference == "default" {
      guard let url = DefaultModel.directory else {
        throw CheckpointError.modelNotFound(reference: "(embedded default model)", searched: ["the HeadLab_TransformerEngine.resources folder beside the headlab binary", "the source tree"])
      }
      directory = ModelDirectory(url: url)
    } else {
      directory = try ModelDirectory.resolve(reference)
    }
    let (model, report) = try ModelLoader.load(directory)
    let tokenizer = try BPETokenizer.load(directory: directory.url)
    self.reference = reference
    self.directory = directory
    self.tokenizer = tokenizer
    self.report = report
    self.subject = AnalysisSubject(model: model, identity: ModelIdentity(name: reference, sha256: try ModelIdentity.checksum(of: directory)),
                                   tokenText: { tokenizer.tokenText($0) })
  }

  /// Token ids of `text` with `<|endoftext|>` first, as TransformerLens prepends BOS.
  public func tokens(_ text: String) throws -> [Int] {
    let ids = tokenizer.encode(text, prependBOS: tokenizer.endOfTextID != nil)
    _ = try subject.model.validate(tokens: [ids])
    return ids
  }

  /// The id of a single-token word such as " Mary".
  public func singleToken(_ text: String, role: String) throws -> Int { try tokenizer.singleToken(text, role: role) }
}
