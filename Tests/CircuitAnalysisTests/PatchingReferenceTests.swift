import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// The patching references (`scripts/make_patching_fixtures.py`, TransformerLens 3.9) load with
/// the documented keys and shapes, and the engine reproduces their baselines and TransformerLens's
/// zero ablation of each head within 1e-4.
final class PatchingReferenceTests: XCTestCase {
  static let tolerance: Float = 1e-4

  /// The shape every key must have, from the model's L and NH and the case's T: the contract the
  /// sweeps are written against (TransformerLens's output shapes, plus resid_post [L, T]).
  static func expectedShape(_ sweep: String, L: Int, NH: Int, T: Int) -> [Int]? {
    switch sweep {
    case "resid_pre", "resid_mid", "resid_post", "attn_out", "mlp_out": return [L, T]
    case "attn_head_out_all_pos", "attn_head_q_all_pos", "attn_head_k_all_pos", "attn_head_v_all_pos",
         "attn_head_pattern_all_pos", "ablate_zero_each_head": return [L, NH]
    case "attn_head_out_by_pos", "attn_head_q_by_pos", "attn_head_k_by_pos", "attn_head_v_by_pos": return [L, T, NH]
    case "attn_head_pattern_by_pos": return [L, NH, T]
    case "attn_head_pattern_dest_src_pos": return [L, NH, T, T]
    case "every_block": return [3, L, T]
    case "every_head_all_pos": return [5, L, NH]
    case "every_head_by_pos": return [5, L, T, NH]
    default: return nil
    }
  }

  func testEveryDocumentedKeyExistsWithItsShape() throws {
    let reference = try PatchingReference()
    let config = try reference.loadModel().config
    var expectedKeys = Set<String>()
    for name in PatchingReference.caseNames {
      let c = try reference.case(name)
      XCTAssertEqual(c.clean_tokens.count, c.batch, name)
      XCTAssertTrue(c.clean_tokens.allSatisfy { $0.count == c.positions && $0.first == 0 }, "\(name): rows of T with BOS")
      XCTAssertTrue(c.corrupted_tokens.allSatisfy { $0.count == c.positions && $0.first == 0 }, "\(name): rows of T with BOS")
      XCTAssertEqual(c.answer.count, c.batch, name)
      XCTAssertEqual(c.wrong.count, c.batch, name)
      var keys = ["\(name)/ablate_zero_each_head": "ablate_zero_each_head"]
      for direction in PatchingReference.directions {
        for sweep in PatchingReference.patchSweeps { keys["\(name)/\(direction)/patch/\(sweep)"] = sweep }
        for sweep in PatchingReference.atpSweeps { keys["\(name)/\(direction)/atp/\(sweep)"] = sweep }
      }
      for (key, sweep) in keys {
        let shape = try XCTUnwrap(Self.expectedShape(sweep, L: config.layers, NH: config.heads, T: c.positions), sweep)
        XCTAssertEqual(reference.documentation[key]?.shape, shape, "\(key): documented shape")
        XCTAssertEqual(try reference.tensor(key).shape, shape, "\(key): stored shape")
      }
      expectedKeys.formUnion(keys.keys)
    }
    XCTAssertEqual(Set(reference.documentation.keys), expectedKeys, "documented keys")
    XCTAssertEqual(Set(reference.tensors.names), expectedKeys, "stored keys")
  }

  /// The stacked sweeps are TransformerLens's stack of the single ones in the recorded
  /// component order (every_head_by_pos's pattern part [L, NH, T] moved to [L, T, NH]).
  func testStackedSweepsStackTheSingleSweepsInTheRecordedOrder() throws {
    let reference = try PatchingReference()
    for name in PatchingReference.caseNames {
      for direction in PatchingReference.directions {
        for (stacked, components) in PatchingReference.stackedSweeps {
          let key = "\(name)/\(direction)/patch/\(stacked)"
          XCTAssertEqual(reference.documentation[key]?.component_order, components, key)
          let all = try reference.tensor(key)
          let size = all.count / components.count
          for (i, component) in components.enumerated() {
            var single = try reference.patch(name, direction, component)
            if component == "attn_head_pattern_by_pos" { single = Self.swapLastTwoAxes(single) }
            let slice = Tensor(shape: single.shape, values: Array(all.values[(i * size)..<((i + 1) * size)]))
            XCTAssertEqual(slice, single, "\(key)[\(i)] is not \(component)")
          }
        }
      }
    }
  }

  /// [L, A, B] -> [L, B, A].
  static func swapLastTwoAxes(_ t: Tensor) -> Tensor {
    let (L, A, B) = (t.shape[0], t.shape[1], t.shape[2])
    var out = Tensor(shape: [L, B, A])
    for l in 0..<L { for a in 0..<A { for b in 0..<B { out[l, b, a] = t[l, a, b] } } }
    return out
  }

  func testEngineLogitDifferencesEqualTheRecordedBaselines() throws {
    let reference = try PatchingReference()
    let model = try reference.loadModel()
    for name in PatchingReference.caseNames {
      let c = try reference.case(name)
      let clean = c.logitDifference(try model.forward(c.clean_tokens))
      let corrupted = c.logitDifference(try model.forward(c.corrupted_tokens))
      XCTAssertEqual(clean, c.metric_clean, accuracy: Self.tolerance, "\(name): clean logit difference")
      XCTAssertEqual(corrupted, c.metric_corrupted, accuracy: Self.tolerance, "\(name): corrupted logit difference")
      XCTAssertGreaterThan(abs(c.metric_clean - c.metric_corrupted), 0.2, "\(name): the corruption barely moves the metric")
    }
  }

  /// A head gate of 0 (`withHeadGates`) against TransformerLens zeroing that head's hook_z.
  func testEngineZeroGateAblationEqualsTransformerLensZeroAblation() throws {
    let reference = try PatchingReference()
    let model = try reference.loadModel()
    let (L, NH) = (model.config.layers, model.config.heads)
    for name in PatchingReference.caseNames {
      let c = try reference.case(name)
      let expected = try reference.ablateZeroEachHead(name)
      var actual = Tensor(shape: [L, NH])
      for layer in 0..<L {
        for head in 0..<NH {
          var gates = Tensor(shape: [L, NH], repeating: 1)
          gates[layer, head] = 0
          actual[layer, head] = c.logitDifference(try model.withHeadGates(gates) { try model.forward(c.clean_tokens) })
        }
      }
      assertClose(actual, expected, tolerance: Self.tolerance, "\(name): zero-gate ablation of each head vs TransformerLens")
      let moved = expected.values.map { abs($0 - c.metric_clean) }.max() ?? 0
      XCTAssertGreaterThan(moved, 1000 * Self.tolerance, "\(name): no ablation moves the metric beyond the tolerance")
    }
  }
}
