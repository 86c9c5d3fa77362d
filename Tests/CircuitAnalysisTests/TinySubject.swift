import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import Tokenizers
import TransformerEngine

/// The fixture model models/tiny-f32 (GPT-2, 2 layers, 4 heads, d_model 32, vocab 320) as an
/// analysis subject, loaded once per test process.
enum TinySubject {
  static let directory = ModelDirectory(url: Fixtures.resources(in: .module).appendingPathComponent("models/tiny-f32"))

  static func load() throws -> AnalysisSubject {
    let (model, _) = try ModelLoader.load(directory)
    let tokenizer = try BPETokenizer.load(directory: directory.url)
    return AnalysisSubject(model: model, identity: ModelIdentity(name: "tiny-f32", sha256: try ModelIdentity.checksum(of: directory)),
                           tokenText: { tokenizer.tokenText($0) })
  }
}
