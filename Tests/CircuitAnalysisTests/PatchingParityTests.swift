import CircuitAnalysis
import TransformerEngine
import XCTest

/// Every patching sweep, zero ablation of each head and every attribution-patching estimate,
/// against TransformerLens 3.9 (fixtures by scripts/make_patching_fixtures.py) on an IOI-style
/// pair and a repeated-token batch, in both directions, within 1e-4.
final class PatchingParityTests: XCTestCase {
  static let tolerance = 1e-4
  var reference: PatchingReference!
  var subject: AnalysisSubject!

  override func setUpWithError() throws {
    reference = try PatchingReference()
    subject = try TinySubject.load()
  }

  func pair(_ name: String) throws -> PromptPairBatch {
    let c = try reference.case(name)
    return try PromptPairBatch(clean: c.clean_tokens, corrupted: c.corrupted_tokens, answers: c.answer, wrongs: c.wrong, tokenText: subject.tokenText)
  }

  func assertMatches(_ result: AnalysisResult, _ expected: Tensor, _ label: String, offset: Double = 0) {
    XCTAssertEqual(result.shape, expected.shape, "\(label): shape")
    guard result.shape == expected.shape else { return }
    var worst = 0.0
    for (cell, want) in zip(result.values.cells, expected.values) {
      guard let got = cell.number else { return XCTFail("\(label): a null cell") }
      worst = max(worst, abs(got + offset - Double(want)))
    }
    XCTAssertLessThanOrEqual(worst, Self.tolerance, "\(label): max abs difference \(worst)")
    XCTAssertTrue(result.complete, label)
  }

  func testEverySweepMatchesTransformerLens() throws {
    for name in PatchingReference.caseNames {
      let p = try pair(name)
      for direction in PatchDirection.allCases {
        for sweep in PatchingReference.patchSweeps {
          let result = try ActivationPatching.sweep(try PatchingSweep(named: sweep), subject: subject, pair: p, direction: direction)
          assertMatches(result, try reference.patch(name, direction.rawValue, sweep), "\(name) \(direction) \(sweep)")
          assertValidResult(result)
          XCTAssertEqual(result.metric?.clean ?? .nan, Double(try reference.case(name).metric_clean), accuracy: Self.tolerance)
          XCTAssertEqual(result.metric?.corrupted ?? .nan, Double(try reference.case(name).metric_corrupted), accuracy: Self.tolerance)
        }
      }
    }
  }

  func testZeroAblationOfEachHeadMatchesTransformerLens() throws {
    for name in PatchingReference.caseNames {
      let result = try HeadAblation.eachHead(subject: subject, groups: [try pair(name)])
      assertMatches(result, try reference.ablateZeroEachHead(name), "\(name) zero ablation")
      assertValidResult(result)
    }
  }

  func testAttributionPatchingMatchesTransformerLens() throws {
    for name in PatchingReference.caseNames {
      let p = try pair(name)
      for direction in PatchDirection.allCases {
        for sweep in PatchingReference.atpSweeps {
          let result = try AttributionPatching.sweep(try PatchingSweep(named: sweep), subject: subject, pair: p, direction: direction)
          assertMatches(result, try reference.atp(name, direction.rawValue, sweep), "\(name) \(direction) atp \(sweep)")
          assertValidResult(result)
        }
      }
    }
  }

  /// AtP beside patching: the estimate row is TransformerLens's AtP, the patching row its
  /// patching sweep minus the unpatched baseline.
  func testAtpBesidePatchingMatchesTransformerLens() throws {
    let name = "ioi"
    let c = try reference.case(name)
    for direction in PatchDirection.allCases {
      let r = try AttributionPatching.besidePatching(.headOutAllPositions, subject: subject, pair: try pair(name), direction: direction)
      XCTAssertEqual(r.shape, [2, 2, 4])
      assertValidResult(r)
      let atp = try reference.atp(name, direction.rawValue, "attn_head_out_all_pos").values
      let patch = try reference.patch(name, direction.rawValue, "attn_head_out_all_pos").values
      let base = Double(direction == .denoising ? c.metric_corrupted : c.metric_clean)
      for i in 0..<8 {
        XCTAssertEqual(r.values.cells[i].number!, Double(atp[i]), accuracy: Self.tolerance)
        XCTAssertEqual(r.values.cells[8 + i].number!, Double(patch[i]) - base, accuracy: Self.tolerance)
      }
    }
  }
}
