import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Hook replacements and head gates against TransformerLens `run_with_hooks` on models/tiny-f32:
/// the same replacement values (read from the fixture) written at the same hook, logits at every
/// position within 1e-4 max abs. References from `scripts/make_intervention_fixtures.py`.
final class InterventionParityTests: XCTestCase {
  static let tolerance: Float = 1e-4
  let resources = Fixtures.resources(in: .module)

  struct Reference: Decodable {
    struct Intervention: Decodable {
      let name: String
      let hook: String
      let layer: Int
      let head: Int?
      let position: Int?
      let value_key: String
    }
    let tokens: [[Int]]
    let interventions: [Intervention]
  }

  struct Fixture {
    let model: TransformerModel
    let reference: Reference
    let tensors: SafetensorsFile

    func intervention(_ name: String) throws -> Reference.Intervention {
      try XCTUnwrap(reference.interventions.first { $0.name == name }, "no intervention '\(name)' in the fixture")
    }

    func logits(_ name: String) throws -> Tensor { try tensors.tensor("\(name)/logits") }
  }

  func fixture() throws -> Fixture {
    let model = try ModelLoader.load(ModelDirectory(url: resources.appendingPathComponent("models/tiny-f32"))).0
    let json = try Data(contentsOf: resources.appendingPathComponent("references/interventions-tiny-f32.json"))
    let tensors = try SafetensorsFile(url: resources.appendingPathComponent("references/interventions-tiny-f32.safetensors"))
    return Fixture(model: model, reference: try JSONDecoder().decode(Reference.self, from: json), tensors: tensors)
  }

  /// Runs the fixture's tokens with one hook at `spec.hook` that calls `write(activation, value)`,
  /// and compares the logits at every position with TransformerLens's for the same replacement.
  func checkReplacement(
    _ name: String, write: @escaping @Sendable (inout Tensor, Tensor, Reference.Intervention) -> Void
  ) throws {
    let f = try fixture()
    let spec = try f.intervention(name)
    let value = try f.tensors.tensor(spec.value_key)  // exactly what the TransformerLens hook wrote
    let site = try HookSite(parsing: spec.hook, layers: f.model.config.layers)
    let hook = Hook(site) { activation, _ in write(&activation, value, spec) }
    let logits = try f.model.withHooks([hook]) { try f.model.forward(f.reference.tokens, logits: .all) }
    let expected = try f.logits(name)
    // Matching proves something only if the replacement moved the logits far beyond the tolerance.
    XCTAssertGreaterThan(expected.maxAbsDifference(try f.logits("clean")), 1000 * Self.tolerance, "\(name) barely changes the logits")
    assertClose(logits, expected, tolerance: Self.tolerance, "\(name) logits vs TransformerLens")
  }

  /// hook_z [B,T,NH,HS]: head `head` gets value [B,T,HS] at every position.
  static let writeHeadZ: @Sendable (inout Tensor, Tensor, Reference.Intervention) -> Void = { z, value, spec in
    let (B, T, HS) = (z.shape[0], z.shape[1], z.shape[3])
    for b in 0..<B { for t in 0..<T { for d in 0..<HS { z[b, t, spec.head!, d] = value[b, t, d] } } }
  }

  func testCleanLogitsMatchTransformerLens() throws {
    let f = try fixture()
    assertClose(try f.model.forward(f.reference.tokens, logits: .all), try f.logits("clean"), tolerance: Self.tolerance, "clean logits")
  }

  func testReplacingOneHeadsZMatchesTransformerLens() throws {
    try checkReplacement("z_head", write: Self.writeHeadZ)
  }

  func testReplacingOneHeadsPatternMatchesTransformerLens() throws {
    // hook_pattern [B,NH,Tq,Tk]: head `head` gets value [B,T,T] (a causal row-stochastic pattern).
    try checkReplacement("pattern_head") { pattern, value, spec in
      let (B, T) = (pattern.shape[0], pattern.shape[2])
      for b in 0..<B { for q in 0..<T { for k in 0..<T { pattern[b, spec.head!, q, k] = value[b, q, k] } } }
    }
  }

  func testReplacingResidPreAtOnePositionMatchesTransformerLens() throws {
    // hook_resid_pre [B,T,C]: position `position` gets value [B,C].
    try checkReplacement("resid_pre_pos") { resid, value, spec in
      let (B, C) = (resid.shape[0], resid.shape[2])
      for b in 0..<B { for c in 0..<C { resid[b, spec.position!, c] = value[b, c] } }
    }
  }

  func testZeroingOneHeadsZMatchesTransformerLens() throws {
    try checkReplacement("z_head_zero", write: Self.writeHeadZ)  // the value is all zeros
  }

  /// A head gate of 0 removes the head: the same logits as zero-ablating its hook_z, both in
  /// TransformerLens (1e-4) and through HeadLab's own hook path (1e-5).
  func testZeroHeadGateEqualsZeroAblatingItsZ() throws {
    let f = try fixture()
    let spec = try f.intervention("z_head_zero")
    let config = f.model.config
    var gates = Tensor(shape: [config.layers, config.heads], repeating: 1)
    gates[spec.layer, spec.head!] = 0
    let gated = try f.model.withHeadGates(gates) { try f.model.forward(f.reference.tokens, logits: .all) }
    assertClose(gated, try f.logits("z_head_zero"), tolerance: Self.tolerance, "gated logits vs TransformerLens zero-ablated z")

    let head = spec.head!, site = try HookSite(parsing: spec.hook, layers: config.layers)
    let zeroHead = Hook(site) { z, _ in
      for b in 0..<z.shape[0] { for t in 0..<z.shape[1] { for d in 0..<z.shape[3] { z[b, t, head, d] = 0 } } }
    }
    let ablated = try f.model.withHooks([zeroHead]) { try f.model.forward(f.reference.tokens, logits: .all) }
    assertClose(gated, ablated, tolerance: 1e-5, "gated logits vs HeadLab hook_z zero-ablation")
    let clean = try f.model.forward(f.reference.tokens, logits: .all)
    XCTAssertGreaterThan(gated.maxAbsDifference(clean), 0.1, "gating the head changed nothing")
  }
}
