import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import XCTest

/// `headlab.result-1.schema.json` against results the Swift code writes: valid ones pass, broken
/// ones fail naming the culprit's path, and the validator's verdicts on the committed samples
/// equal those of Python's `jsonschema` (`scripts/check_result_schema.py`).
final class ResultSchemaTests: XCTestCase {
  var samplesDirectory: URL { Fixtures.resources(in: .module).appendingPathComponent("result-schema/samples") }

  func testSchemaResourceIsInstalled() throws {
    let url = try XCTUnwrap(ResultSchema.url)
    XCTAssertEqual(url.lastPathComponent, "headlab.result-1.schema.json")
    XCTAssertTrue(try ResultSchema.text().contains(#""const": "headlab.result/1""#))
  }

  func testValidResultsPass() throws {
    assertValidResult(ResultSchemaSamples.scalar())
    assertValidResult(ResultSchemaSamples.grid())
    assertValidResult(ResultSchemaSamples.tokens())
    assertValidResult(ResultSchemaSamples.datasetLevel())
    assertValidResult(ResultSchemaSamples.weightTable())
    assertValidResult(ResultSchemaSamples.compositionGrid())
    assertValidResults([ResultSchemaSamples.scalar(), ResultSchemaSamples.grid(), ResultSchemaSamples.datasetLevel()])
    for (name, json) in try ResultSchemaSamples.valid() {
      XCTAssertEqual(try ResultSchemaCheck.violations(json), [], name)
    }
  }

  /// Each broken sample fails, and a violation names the culprit's JSON Pointer.
  func testInvalidResultsFailNamingThePath() throws {
    for (name, json, path) in try ResultSchemaSamples.invalid() {
      let violations = try ResultSchemaCheck.violations(json)
      XCTAssertFalse(violations.isEmpty, name)
      XCTAssertTrue(violations.contains { $0.path == path }, "\(name): expected a violation at \(path.isEmpty ? "/" : path), got \(violations)")
    }
    let messages = try Dictionary(uniqueKeysWithValues: ResultSchemaSamples.invalid().map {
      ($0.name, try ResultSchemaCheck.violations($0.json).map(\.description).joined(separator: "; "))
    })
    XCTAssertTrue(messages["invalid-missing-kind.json"]!.contains(#"/: missing required member "kind""#), messages["invalid-missing-kind.json"]!)
    XCTAssertTrue(messages["invalid-format.json"]!.contains(#"/format: "headlab.result/2" is not the constant "headlab.result/1""#), messages["invalid-format.json"]!)
    XCTAssertTrue(messages["invalid-bool-cell.json"]!.hasPrefix("/values/0/0/1: true is not of type number or string or null"), messages["invalid-bool-cell.json"]!)
    XCTAssertTrue(messages["invalid-unknown-key.json"]!.contains(#"/colour: unknown member "colour""#), messages["invalid-unknown-key.json"]!)
  }

  /// The committed samples are exactly what this code writes. Set HEADLAB_WRITE_SCHEMA_SAMPLES=1
  /// to rewrite them in the source tree, then run scripts/check_result_schema.py.
  func testCommittedSamplesAreWhatTheSwiftCodeWrites() throws {
    let samples = try ResultSchemaSamples.valid() + ResultSchemaSamples.invalid().map { ($0.name, $0.json) }
    if ProcessInfo.processInfo.environment["HEADLAB_WRITE_SCHEMA_SAMPLES"] == "1" {
      let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/result-schema/samples")
      try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
      for (name, json) in samples { try json.write(to: source.appendingPathComponent(name)) }
    }
    let committed = try FileManager.default.contentsOfDirectory(atPath: samplesDirectory.path).filter { $0.hasSuffix(".json") }
    XCTAssertEqual(Set(committed), Set(samples.map(\.0)))
    for (name, json) in samples {
      XCTAssertEqual(try Data(contentsOf: samplesDirectory.appendingPathComponent(name)), json, name)
    }
  }

  /// The Swift validator's verdict on every committed sample equals Python jsonschema's
  /// (Draft202012Validator), recorded by scripts/check_result_schema.py.
  func testVerdictsAgreeWithPythonJSONSchema() throws {
    let verdictsURL = samplesDirectory.deletingLastPathComponent().appendingPathComponent("jsonschema-verdicts.json")
    let verdicts = try JSONDecoder().decode([String: PythonVerdict].self, from: Data(contentsOf: verdictsURL))
    let files = try FileManager.default.contentsOfDirectory(atPath: samplesDirectory.path).filter { $0.hasSuffix(".json") }
    XCTAssertEqual(Set(verdicts.keys), Set(files))
    for name in files {
      let violations = try ResultSchemaCheck.violations(try Data(contentsOf: samplesDirectory.appendingPathComponent(name)))
      let verdict = try XCTUnwrap(verdicts[name])
      XCTAssertEqual(violations.isEmpty, verdict.valid, "\(name): Swift says \(violations), jsonschema says \(verdict)")
      XCTAssertEqual(verdict.valid, name.hasPrefix("valid-"), name)
    }
  }

  struct PythonVerdict: Decodable {
    let valid: Bool
    let errors: [String]
  }

  /// The validator's keywords on small schemas, and its refusal of keywords it does not know.
  func testValidatorKeywords() throws {
    func violations(_ schema: String, _ instance: String) throws -> [String] {
      try JSONSchemaValidator(schema: Data(schema.utf8)).violations(of: Data(instance.utf8)).map(\.description)
    }
    let oneOf = #"{"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]}"#
    XCTAssertEqual(try violations(oneOf, "-1.5").count, 1)
    XCTAssertEqual(try violations(oneOf, "-2"), [])
    XCTAssertEqual(try violations(oneOf, "2"), ["/: 2 matches 2 branches of oneOf, expected exactly one"])
    let prefix = #"{"type": "array", "prefixItems": [{"type": "string"}], "items": {"enum": [1, 2]}}"#
    XCTAssertEqual(try violations(prefix, #"["a", 1, 2]"#), [])
    XCTAssertEqual(try violations(prefix, #"[1, 3]"#), ["/0: 1 is not of type string", "/1: 3 is not one of 1, 2"])
    XCTAssertEqual(try violations(#"{"type": "integer"}"#, "true"), ["/: true is not of type integer"])
    XCTAssertEqual(try violations(#"{"type": "boolean"}"#, "1"), ["/: 1 is not of type boolean"])
    XCTAssertEqual(try violations(#"{"properties": {"a/b": false}}"#, #"{"a/b": 1}"#), ["/a~1b: no value is allowed here"])
    XCTAssertThrowsError(try JSONSchemaValidator(schema: Data(#"{"type": "array", "maxItems": 2}"#.utf8))) { error in
      XCTAssertTrue("\(error)".contains("unsupported keyword \"maxItems\""), "\(error)")
    }
  }
}
