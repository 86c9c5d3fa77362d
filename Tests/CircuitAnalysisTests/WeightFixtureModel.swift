import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import Tokenizers
import TransformerEngine

/// The fixture model models/gpt2-vocab-f32 (GPT-2, 3 layers, 2 heads, d_model 16, the full
/// 50,257-token GPT-2 vocabulary) as an analysis subject, and its TransformerLens reference
/// (scripts/make_weight_fixtures.py).
enum WeightFixtureModel {
  static let directory = ModelDirectory(url: Fixtures.resources(in: .module).appendingPathComponent("models/gpt2-vocab-f32"))

  static func load() throws -> AnalysisSubject {
    let (model, _) = try ModelLoader.load(directory)
    let tokenizer = try BPETokenizer.load(directory: directory.url)
    return AnalysisSubject(model: model, identity: ModelIdentity(name: "gpt2-vocab-f32", sha256: try ModelIdentity.checksum(of: directory)),
                           tokenText: { tokenizer.tokenText($0) })
  }

  static func reference() throws -> JSONValue {
    let url = Fixtures.resources(in: .module).appendingPathComponent("references/weights-gpt2-vocab-f32.json")
    return try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
  }
}

extension JSONValue {
  /// A list of numbers.
  var doubles: [Double] { (arrayValue ?? []).map { $0.doubleValue ?? .nan } }
  /// A list of [re, im] pairs.
  var complexNumbers: [ComplexNumber] { (arrayValue ?? []).map { ComplexNumber($0.doubles[0], $0.doubles[1]) } }
  /// Element i of a list.
  subscript(_ i: Int) -> JSONValue { arrayValue![i] }
}
