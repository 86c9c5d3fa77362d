import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import XCTest

/// Checks results against `headlab.result-1.schema.json` (the CircuitAnalysis resource) with the
/// test-support JSON Schema validator, plus `AnalysisResult.validate()` for the shape invariants
/// the schema cannot state. Every test that makes a result can call `assertValidResult`.
enum ResultSchemaCheck {
  static let validator: JSONSchemaValidator = {
    do { return try JSONSchemaValidator(schema: try ResultSchema.data()) } catch { fatalError("cannot load the result schema: \(error)") }
  }()

  /// The schema violations of JSON text (one result or a list).
  static func violations(_ json: Data) throws -> [JSONSchemaValidator.Violation] {
    try validator.violations(of: json)
  }
}

/// Fails unless `result` encodes to JSON the schema accepts and passes `validate()`.
func assertValidResult(_ result: AnalysisResult, file: StaticString = #filePath, line: UInt = #line) {
  do {
    let violations = try ResultSchemaCheck.violations(try result.jsonData())
    XCTAssert(violations.isEmpty, "\(result.kind) breaks headlab.result/1: \(violations.map(\.description).joined(separator: "; "))", file: file, line: line)
    try result.validate()
  } catch {
    XCTFail("\(result.kind): \(error)", file: file, line: line)
  }
}

/// Fails unless a list of results encodes to a JSON array the schema accepts, each passing
/// `validate()`.
func assertValidResults(_ results: [AnalysisResult], file: StaticString = #filePath, line: UInt = #line) {
  do {
    let violations = try ResultSchemaCheck.violations(try AnalysisResult.jsonData(results))
    XCTAssert(violations.isEmpty, "result list breaks headlab.result/1: \(violations.map(\.description).joined(separator: "; "))", file: file, line: line)
    for result in results { try result.validate() }
  } catch {
    XCTFail("\(error)", file: file, line: line)
  }
}
