import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import WorkbenchCore
import XCTest

/// `Resources/workbench-reference.json` (scripts/make_workbench_fixtures.py): TransformerLens 3.9
/// and Hugging Face transformers numbers on the embedded default model for `run`, `generate` and
/// `cache`, with heads zero-ablated by hooks on `hook_z`.
struct WorkbenchReference: Decodable {
  struct Run: Decodable {
    let ablated_heads: [String]
    let answer_id: Int
    let wrong_id: Int
    let logit_diff_clean: Double
    let logit_diff_ablated: Double
    let top_ids: [Int]
    let top_logits: [Double]
    let top_probabilities: [Double]
  }
  struct Generate: Decodable {
    let count: Int
    let hf_greedy_ids: [Int]
    let ablated_heads: [String]
    let tl_ablated_ids: [Int]
  }
  struct Slice: Decodable {
    let index: String
    let values: [Double]
  }
  struct Cache: Decodable {
    let ablated_heads: [String]
    let shapes: [String: [Int]]
    let values: [String: Slice]
  }
  let prompt: String
  let tokens: [Int]
  let tolerance: Double
  let run: Run
  let generate: Generate
  let cache: Cache

  static func load() throws -> WorkbenchReference {
    let url = Fixtures.resources(in: .module).appendingPathComponent("workbench-reference.json")
    return try JSONDecoder().decode(WorkbenchReference.self, from: Data(contentsOf: url))
  }

  /// The prompt and answer the fixture used, as workbench commands.
  var setup: String {
    "model default\nprompt \"\(prompt)\"\nanswer \" Mary\" \" John\"\n"
  }
}

/// Runs `script` on `workbench`, returning each command with its output.
func runScript(_ script: String, on workbench: Workbench) throws -> [(ParsedLine, CommandOutput)] {
  var outputs: [(ParsedLine, CommandOutput)] = []
  try BatchRunner.run(script: script, on: workbench) { outputs.append(($0, $1)) }
  return outputs
}

/// The results of the last output of command `name`.
func lastResults(_ outputs: [(ParsedLine, CommandOutput)], of name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [AnalysisResult] {
  guard case .results(let results) = try XCTUnwrap(outputs.last { $0.0.name.text == name }, "no \(name) ran", file: file, line: line).1 else {
    XCTFail("\(name) gave no results", file: file, line: line)
    return []
  }
  return results
}

/// The message of the last output of command `name`.
func lastMessage(_ outputs: [(ParsedLine, CommandOutput)], of name: String) -> String? {
  guard case .message(let text) = outputs.last(where: { $0.0.name.text == name })?.1 else { return nil }
  return text
}

/// A temporary directory removed by the caller.
func temporaryDirectory(_ stem: String) throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-\(stem)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Runs each bad line on `workbench` (as line 7 of a script) and checks its error: the message, the
/// line number, the column when given, and the command's usage for errors of a known command.
func assertArgumentErrors(_ cases: [(line: String, message: String, column: Int?)], on workbench: Workbench,
                          file: StaticString = #filePath, line sourceLine: UInt = #line) {
  for (text, message, column) in cases {
    XCTAssertThrowsError(try workbench.execute(line: text, lineNumber: 7), text, file: file, line: sourceLine) { error in
      let description = "\(error)"
      XCTAssertTrue(description.contains(message), "\(text): \(description)", file: file, line: sourceLine)
      guard let error = error as? CommandParseError else { return }
      XCTAssertEqual(error.lineNumber, 7, text, file: file, line: sourceLine)
      if let column { XCTAssertEqual(error.column, column, "\(text): \(description)", file: file, line: sourceLine) }
      if !message.contains("unknown command") && !message.contains("unterminated") {
        XCTAssertTrue(description.contains("usage:"), "\(text) shows the usage: \(description)", file: file, line: sourceLine)
      }
    }
  }
}
