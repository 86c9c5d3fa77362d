import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import Tokenizers
import TransformerEngine

/// The references of `scripts/make_maps_fixtures.py` on models/gpt2-vocab-f32 (GPT-2 with the full
/// 50,257-token vocabulary, 3 layers, 2 heads, d_model 16): dense PyTorch MAPS and copy scores,
/// TransformerLens dynamic scores and attention decompositions (see its docstring).
struct MAPSFixture {
  struct Relation: Decodable {
    let name: String
    let pairs: [[Int]]
    let dropped: Int
    let candidates: Int
  }
  struct Static: Decodable {
    let relation: String
    let k: Int
    let raw_embedding_at_layer_zero: Bool
    let scores: [Double]
    let suppression: [Double]
  }
  struct Copy: Decodable {
    let scope: String
    let k: Int
    let copy: [Double]
    let negative: [Double]
  }
  struct Dynamic: Decodable {
    let pairs: [[Int]]
    let templates: [String]
    let k: Int
    let natural: [[Double]]
    let forced: [[Double]]
    let prompts: Int
  }
  struct Firing: Decodable {
    let destination: Int
    let source: Int
    let pattern: Double
    let score: Double
    let selected_directions: Int
    let selected_score: Double
    let query: [Double]
    let key: [Double]
  }
  struct Decomposition: Decodable {
    let layer: Int
    let head: Int
    let threshold: Double
    let components: [String]
    let singular_values: [Double]
    let firings: [Firing]
  }
  struct Decompose: Decodable {
    let prompt: [Int]
    let heads: [Decomposition]
  }
  struct Document: Decodable {
    let relations: [String: Relation]
    let `static`: [Static]
    let copy_tokens: [Int]
    let copy: [Copy]
    let dynamic: Dynamic
    let decompose: Decompose
  }

  let subject: AnalysisSubject
  let tokenizer: BPETokenizer
  let document: Document
  let relationFile: URL

  init() throws {
    let resources = Fixtures.resources(in: .module)
    let directory = ModelDirectory(url: resources.appendingPathComponent("models/gpt2-vocab-f32"))
    let model = try ModelLoader.load(directory).0
    let tokenizer = try BPETokenizer.load(directory: directory.url)
    self.tokenizer = tokenizer
    subject = AnalysisSubject(model: model, identity: ModelIdentity(name: "gpt2-vocab-f32", sha256: try ModelIdentity.checksum(of: directory)),
                              tokenText: { tokenizer.tokenText($0) })
    let references = resources.appendingPathComponent("references")
    document = try JSONDecoder().decode(Document.self, from: Data(contentsOf: references.appendingPathComponent("maps-gpt2-vocab.json")))
    relationFile = references.appendingPathComponent("maps-relation.tsv")
  }

  /// The relation the script calls `name`, built the way HeadLab builds it.
  func relation(_ name: String) throws -> TokenRelation {
    name == "maps-relation" ? try TokenRelationFile.read(relationFile, tokenizer: tokenizer) : try TokenRelation.builtIn(name, tokenizer: tokenizer)
  }
}
