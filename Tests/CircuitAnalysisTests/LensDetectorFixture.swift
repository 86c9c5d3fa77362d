import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import Tokenizers
import TransformerEngine
import XCTest

/// The references of `scripts/make_lens_detector_fixtures.py` on models/tiny-f32 (see its
/// docstring for every convention: TransformerLens 3.9 unprocessed, detect_head on the
/// repeated-token batch, the logit lens and DLA at the last position, E' and the weight scores in
/// float64 PyTorch).
struct LensDetectorFixture {
  struct Document: Decodable {
    struct Lens: Decodable {
      let labels: [String]
      let answer_logit: [Double]
      let answer_prob: [Double]
      let answer_rank: [Int]
      let topk_ids: [[Int]]
    }
    struct DLA: Decodable {
      let labels: [String]
      let logit_diff: Double
    }
    let repeated_tokens: [[Int]]
    let lens_tokens: [Int]
    let answer: Int
    let wrong: Int
    let lens: Lens
    let dla: DLA
    let successor_tasks: [String: [Int]]
    let copy_tokens: [Int]
    let copy_k: Int
  }

  /// The task order of the script's SUCCESSOR_TASKS (a JSON object has none).
  static let taskOrder = ["run_a", "run_b", "run_c"]

  let subject: AnalysisSubject
  let tokenizer: BPETokenizer
  let document: Document
  let tensors: SafetensorsFile

  init() throws {
    let resources = Fixtures.resources(in: .module)
    let directory = resources.appendingPathComponent("models/tiny-f32")
    let model = try ModelLoader.load(ModelDirectory(url: directory)).0
    let tokenizer = try BPETokenizer.load(directory: directory)
    self.tokenizer = tokenizer
    subject = AnalysisSubject(model: model, identity: ModelIdentity(name: "tiny-f32", sha256: try ModelIdentity.checksum(of: ModelDirectory(url: directory))),
                              tokenText: { tokenizer.decode([$0]) })
    let references = resources.appendingPathComponent("references")
    document = try JSONDecoder().decode(Document.self, from: Data(contentsOf: references.appendingPathComponent("lens-detectors-tiny-f32.json")))
    tensors = try SafetensorsFile(url: references.appendingPathComponent("lens-detectors-tiny-f32.safetensors"))
  }

  var successorTasks: [SuccessorTask] {
    LensDetectorFixture.taskOrder.map { SuccessorTask(name: $0, tokens: document.successor_tasks[$0]!) }
  }

  /// A result's numbers as a tensor of the given shape.
  static func tensor(_ result: AnalysisResult, shape: [Int]) throws -> Tensor {
    XCTAssertEqual(result.shape, shape, result.kind)
    return Tensor(shape: shape, values: try result.values.numbers.map { Float(try XCTUnwrap($0, "\(result.kind) has a null cell")) })
  }

  /// Every result is a valid headlab.result/1 value that survives its JSON round trip.
  static func checkFormat(_ results: [AnalysisResult], file: StaticString = #filePath, line: UInt = #line) throws {
    for result in results {
      try result.validate()
      XCTAssertEqual(try AnalysisResult.decode(try result.jsonData()), result, "\(result.kind) JSON round trip", file: file, line: line)
    }
  }
}
