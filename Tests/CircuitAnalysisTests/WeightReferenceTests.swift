import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// The weight analyses against TransformerLens (scripts/make_weight_fixtures.py) on
/// models/gpt2-vocab-f32, raw and processed weights. Tolerances: singular values and eigenvalues
/// within 1e-4 relative to the largest of their list (the vocabulary-level ones are of order
/// 1e3); composition scores, eigenvalue copying scores and top-k entries within 1e-4 absolute.
final class WeightReferenceTests: XCTestCase {
  static let subject = Result { try WeightFixtureModel.load() }
  static let reference = Result { try WeightFixtureModel.reference() }
  let spectrumTolerance = 1e-4, scoreTolerance = 1e-4

  func variant(_ processed: Bool) throws -> (subject: AnalysisSubject, reference: JSONValue, weights: HeadWeights) {
    let subject = try Self.subject.get()
    return (subject, try XCTUnwrap(try Self.reference.get()[processed ? "processed" : "raw"]), try HeadWeights(subject.model, processed: processed))
  }

  func testCircuitSpectraMatchTransformerLens() throws {
    for processed in [false, true] {
      let (subject, reference, weights) = try variant(processed)
      for l in 0..<subject.layers {
        for h in 0..<subject.heads {
          let head = weights.head(HeadIndex(l, h)), label = "\(processed ? "processed" : "raw") \(l).\(h)"
          assertSpectrum(try head.ov.singularValues(), reference["ov_singular_values"]![l][h].doubles, "\(label) OV singular values")
          assertSpectrum(try head.qk.singularValues(), reference["qk_singular_values"]![l][h].doubles, "\(label) QK singular values")
          assertEigenvalues(try head.ov.eigenvalues(), reference["ov_eigenvalues"]![l][h].complexNumbers, "\(label) OV eigenvalues")
          assertEigenvalues(try head.qk.eigenvalues(), reference["qk_eigenvalues"]![l][h].complexNumbers, "\(label) QK eigenvalues")
          XCTAssertEqual(try head.ov.frobeniusNorm(), norm(reference["ov_singular_values"]![l][h].doubles), accuracy: 1e-5, label)
        }
      }
    }
  }

  /// The vocabulary-level OV map's spectrum as `weights.ov` reports it, with W_E and with
  /// MAPS's E', and the eigenvalue copying scores of `weights.eigen_copy`.
  func testVocabularyOVSpectraAndCopyingScoresMatchTransformerLens() throws {
    for processed in [false, true] {
      let (subject, reference, _) = try variant(processed)
      for (suffix, embedding) in [("", CircuitEmbedding.tokenEmbedding), ("_maps", .maps(addingTokenEmbedding: false))] {
        var settings = WeightSettings()
        settings.processed = processed
        settings.embedding = embedding
        let copy = try EigenCopyingReport.run(subject: subject, settings: settings)[0]
        assertValidResult(copy)
        XCTAssertEqual(copy.kind, "weights.eigen_copy")
        for l in 0..<subject.layers {
          for h in 0..<subject.heads {
            let label = "\(processed ? "processed" : "raw")\(suffix) \(l).\(h)"
            var circuit = HeadCircuitSettings(head: HeadIndex(l, h))
            circuit.circuits = [.ov]
            circuit.tokens = [262]
            circuit.k = 3
            circuit.processed = processed
            circuit.embedding = embedding
            let ov = try HeadCircuitReport.run(subject: subject, settings: circuit)[0]
            assertSpectrum(try XCTUnwrap(ov.params["singular_values"]).doubles, reference["full_ov_singular_values" + suffix]![l][h].doubles, "\(label) singular values")
            assertEigenvalues(try XCTUnwrap(ov.params["eigenvalues"]).complexNumbers, reference["full_ov_eigenvalues" + suffix]![l][h].complexNumbers, "\(label) eigenvalues")
            let expected = reference["eigen_copy" + suffix]![l][h].doubleValue!
            XCTAssertEqual(copy.values[l, h].number!, expected, accuracy: scoreTolerance, "\(label) eigen copy")
            XCTAssertEqual(ov.params["eigen_copying_score"]?.doubleValue ?? .nan, expected, accuracy: scoreTolerance, "\(label) eigen copy of weights.ov")
          }
        }
      }
    }
  }

  func testCompositionScoresMatchTransformerLens() throws {
    for processed in [false, true] {
      let (subject, reference, _) = try variant(processed)
      var settings = CompositionSettings()
      settings.processed = processed
      settings.baselineSamples = 50
      let results = try CompositionReport.run(subject: subject, settings: settings)
      XCTAssertEqual(results.map(\.kind), ["weights.composition.q", "weights.composition.k", "weights.composition.v"])
      let L = subject.layers, NH = subject.heads
      for (result, mode) in zip(results, ["q", "k", "v"]) {
        assertValidResult(result)
        let expected = reference["composition"]![mode]!
        var compared = 0
        for l1 in 0..<L {
          for h1 in 0..<NH {
            for l2 in 0..<L {
              for h2 in 0..<NH {
                let cell = result.values[l1, h1, l2, h2], want = expected[l1][h1][l2][h2]
                if l1 >= l2 {
                  XCTAssertEqual(cell, .missing, "\(mode) \(l1).\(h1)->\(l2).\(h2) is not causal")
                  XCTAssertEqual(want, .null)
                } else {
                  XCTAssertEqual(cell.number ?? .nan, want.doubleValue!, accuracy: scoreTolerance, "\(processed ? "processed" : "raw") \(mode) \(l1).\(h1)->\(l2).\(h2)")
                  compared += 1
                }
              }
            }
          }
        }
        XCTAssertEqual(compared, 12)
        XCTAssertEqual(result.params["not_computed"]?.arrayValue?.count, 24)
        XCTAssertEqual(result.params["random_baseline"]?["samples"]?.intValue, 50)
      }
    }
  }

  /// Top-k rows of the OV, QK and positional QK maps, from `weights.ov`, `weights.qk` and
  /// `weights.qk_pos`, against dense float64 rows from the TransformerLens weights.
  func testTopKRowsMatchTransformerLens() throws {
    for processed in [false, true] {
      let (subject, reference, _) = try variant(processed)
      let k = try Self.reference.get()["k"]!.intValue!
      var results: [String: AnalysisResult] = [:]
      func table(_ circuit: String, _ embedding: String, _ head: HeadIndex) throws -> AnalysisResult {
        let key = "\(circuit) \(embedding) \(head)"
        if let r = results[key] { return r }
        var settings = HeadCircuitSettings(head: head)
        settings.circuits = [HeadCircuit(rawValue: circuit)!]
        settings.tokens = try Self.reference.get()["row_tokens"]!.doubles.map { Int($0) }
        settings.positions = try Self.reference.get()["row_positions"]!.doubles.map { Int($0) }
        settings.k = k
        settings.processed = processed
        settings.embedding = embedding == "maps" ? .maps(addingTokenEmbedding: false) : .tokenEmbedding
        let r = try HeadCircuitReport.run(subject: subject, settings: settings)[0]
        assertValidResult(r)
        results[key] = r
        return r
      }
      var rowsChecked = 0
      for row in reference["top_k"]!.arrayValue! {
        let circuit = row["circuit"]!.stringValue!, head = HeadIndex(row["head"]![0].intValue!, row["head"]![1].intValue!)
        let result = try table(circuit, row["embedding"]!.stringValue!, head)
        let rowList = (result.params[circuit == "qk_pos" ? "positions" : "tokens"]?.arrayValue ?? []).map { $0.intValue! }
        let r = try XCTUnwrap(rowList.firstIndex(of: row["row"]!.intValue!))
        let ids = row["ids"]!.doubles.map { Int($0) }, values = row["values"]!.doubles
        let idField = circuit == "qk_pos" ? 0 : 1, scoreField = circuit == "qk_pos" ? 1 : 2
        let label = "\(processed ? "processed" : "raw") \(circuit) \(row["embedding"]!.stringValue!) \(head) row \(row["row"]!.intValue!)"
        for rank in 0..<k {
          let cell = result.values[r, rank, scoreField]
          guard rank < ids.count else {
            XCTAssertEqual(cell, .missing, "\(label): rank \(rank) beyond the causal row")
            continue
          }
          XCTAssertEqual(cell.number ?? .nan, values[rank], accuracy: scoreTolerance, "\(label) rank \(rank) value")
          // Ids must agree unless the reference's neighbours are too close to order at float32.
          let tied = (rank > 0 && abs(values[rank] - values[rank - 1]) < 1e-5) || (rank + 1 < values.count && abs(values[rank] - values[rank + 1]) < 1e-5)
          if !tied { XCTAssertEqual(result.values[r, rank, idField].number.map { Int($0) }, ids[rank], "\(label) rank \(rank) id") }
          if circuit != "qk_pos" { XCTAssertEqual(result.values[r, rank, 0], .token(subject.tokenText(ids[rank])), label) }
        }
        rowsChecked += 1
      }
      XCTAssertEqual(rowsChecked, 6 * (2 * 2 * 5 + 4))
    }
  }

  /// b_U, the folded ln_final bias, against TransformerLens's processed unembed.b_U.
  func testProcessedUnembeddingBiasMatchesTransformerLens() throws {
    let (_, reference, weights) = try variant(true)
    let bias = reference["unembed_b_U"]!
    let first = bias["first"]!.doubles
    for (i, want) in first.enumerated() { XCTAssertEqual(Double(weights.unembeddingBias[i]), want, accuracy: 1e-5, "b_U[\(i)]") }
    let norm = weights.unembeddingBias.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    XCTAssertEqual(norm, bias["norm"]!.doubleValue!, accuracy: 1e-4 * bias["norm"]!.doubleValue!)
  }

  // MARK: - helpers

  func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }

  func assertSpectrum(_ actual: [Double], _ expected: [Double], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(label): count", file: file, line: line)
    let scale = max(1e-12, expected.map(abs).max() ?? 1)
    for (a, e) in zip(actual, expected) where abs(a - e) > spectrumTolerance * scale {
      XCTFail("\(label): \(a) vs TransformerLens \(e) (relative to \(scale): \(abs(a - e) / scale))", file: file, line: line)
      return
    }
  }

  /// Eigenvalues as multisets: each expected one matched to the nearest unused actual one.
  func assertEigenvalues(_ actual: [ComplexNumber], _ expected: [ComplexNumber], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(label): count", file: file, line: line)
    let scale = max(1e-12, expected.map(\.magnitude).max() ?? 1)
    var unused = actual
    for e in expected {
      guard let j = unused.indices.min(by: { distance(unused[$0], e) < distance(unused[$1], e) }) else { return }
      if distance(unused[j], e) > spectrumTolerance * scale {
        XCTFail("\(label): TransformerLens eigenvalue \(e) has no match within \(spectrumTolerance) x \(scale) (nearest \(unused[j])) in \(actual)", file: file, line: line)
        return
      }
      unused.remove(at: j)
    }
  }

  func distance(_ a: ComplexNumber, _ b: ComplexNumber) -> Double { ComplexNumber(a.real - b.real, a.imaginary - b.imaginary).magnitude }
}
