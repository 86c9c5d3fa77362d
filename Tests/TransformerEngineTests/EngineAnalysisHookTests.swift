import HeadLabTestSupport
import TransformerEngine
import XCTest

/// The opt-in input sites hook_attn_in, hook_q_input, hook_k_input, hook_v_input ([B,T,NH,C],
/// TransformerLens's use_attn_in / use_split_qkv_input) and hook_mlp_in ([B,T,C],
/// use_hook_mlp_in), against TransformerLens 3.9 on models/tiny-f32 within 1e-4. References from
/// `scripts/make_engine_analysis_fixtures.py`.
final class EngineAnalysisHookTests: XCTestCase {
  static let tolerance: Float = 1e-4

  func inputSites(_ layers: Int) -> [HookSite] {
    (0..<layers).flatMap { l in (HookSite.Point.attentionInputs + [.mlpIn]).map { HookSite.block(l, $0) } }
  }

  func testActivationsMatchTransformerLens() throws {
    let f = try EngineAnalysisFixture()
    let tokens = f.reference.sites.tokens
    let sites = inputSites(f.model.config.layers)
    XCTAssertEqual(Set(sites.map(\.name)), Set(f.reference.sites.site_names))
    let (logits, cache) = try f.model.runWithCache(tokens, sites: Set(sites), logits: .all)
    for site in sites {
      assertClose(try XCTUnwrap(cache[site], site.name), try f.tensor("sites/\(site.name)"), tolerance: Self.tolerance, site.name)
    }
    XCTAssertEqual(cache[.block(0, .qInput)]?.shape, [2, 6, f.model.config.heads, f.model.config.modelDim])
    assertClose(logits, try f.tensor("sites/clean_logits"), tolerance: Self.tolerance, "logits with every input site hooked")
  }

  /// A replacement written into one head at one position, as path patching writes it: the logits
  /// equal TransformerLens's with the same value at the same hook.
  func testReplacementsMatchTransformerLens() throws {
    let f = try EngineAnalysisFixture()
    let clean = try f.tensor("sites/clean_logits")
    XCTAssertEqual(f.reference.sites.cases.count, 5)
    for spec in f.reference.sites.cases {
      let value = try f.tensor(spec.value_key)  // [B,C]
      let site = try HookSite(parsing: spec.hook, layers: f.model.config.layers)
      let hook = Hook(site) { activation, _ in
        let (B, C) = (activation.shape[0], activation.shape.last!)
        for b in 0..<B {
          for c in 0..<C {
            if let head = spec.head { activation[b, spec.position, head, c] = value[b, c] } else { activation[b, spec.position, c] = value[b, c] }
          }
        }
      }
      let logits = try f.model.withHooks([hook]) { try f.model.forward(f.reference.sites.tokens, logits: .all) }
      let expected = try f.tensor(spec.logits_key)
      XCTAssertGreaterThan(expected.maxAbsDifference(clean), 1000 * Self.tolerance, "\(spec.name) barely changes the logits")
      assertClose(logits, expected, tolerance: Self.tolerance, "\(spec.name): \(spec.hook) head \(spec.head.map(String.init) ?? "-") position \(spec.position)")
    }
  }

  func testIdentityHooksOnInputSitesKeepTheLogits() throws {
    let f = try EngineAnalysisFixture()
    let tokens = f.reference.sites.tokens
    let plain = try f.model.forward(tokens, logits: .all)
    for site in inputSites(f.model.config.layers) {
      let logits = try f.model.withHooks([Hook(site) { _, _ in }]) { try f.model.forward(tokens, logits: .all) }
      assertClose(logits, plain, tolerance: 1e-5, "identity hook at \(site.name)")
    }
  }

  func testHookNamesAndOrderFollowTransformerLensWithAllFlags() throws {
    let f = try EngineAnalysisFixture()
    let L = f.model.config.layers
    XCTAssertEqual(Set(HookSite.allSites(layers: L).map(\.name)), Set(f.reference.sites.hook_names_all_flags))
    // Every site but ln1's (per-head there, refused together with the input sites), in firing order.
    let fired = SiteLog()
    let sites = HookSite.allSites(layers: L).filter { $0.point != .ln1Scale && $0.point != .ln1Normalized }
    _ = try f.model.withHooks(sites.map { Hook.reading($0) { _, site in fired.append(site) } }) {
      try f.model.forward(f.reference.sites.tokens)
    }
    let expected = f.reference.sites.hook_order_all_flags.filter { !$0.contains(".ln1.") }
    XCTAssertEqual(fired.sites.map(\.name), expected)
  }

  func testLn1HooksBesidePerHeadInputsAndTheirGradientsAreRefused() throws {
    let f = try EngineAnalysisFixture()
    let tokens = f.reference.sites.tokens
    let hooks = [Hook(.block(1, .kInput)) { _, _ in }, Hook(.block(1, .ln1Scale)) { _, _ in }]
    XCTAssertThrowsError(try f.model.withHooks(hooks) { try f.model.forward(tokens) }) { error in
      XCTAssertTrue("\(error)".contains("blocks.1.ln1.hook_scale"), "\(error)")
    }
    let objective = Objectives.logProbability(of: [1, 2])
    XCTAssertThrowsError(try f.model.withHooks([hooks[0]]) { try f.model.gradients(tokens, objective: objective) }) { error in
      XCTAssertTrue("\(error)".contains("layer 1"), "\(error)")
    }
    // Gradients AT hook_mlp_in and the per-head inputs of an unhooked pass are given (their
    // values are checked against finite differences in ModelGradientTests).
    let sites: Set<HookSite> = [.block(0, .mlpIn), .block(1, .kInput)]
    let given = try f.model.gradients(tokens, sites: sites, objective: objective).activationGradients
    for site in sites { XCTAssertEqual(given[site]?.shape, site.shape(batch: tokens.count, positions: tokens[0].count, config: f.model.config), site.name) }
    // The model is still usable.
    XCTAssertEqual(try f.model.forward(tokens, logits: .all).values, try f.model.forward(tokens, logits: .all).values)
  }

  /// Backward through a replaced hook_mlp_in: the hook is the identity for the gradient (as
  /// every hook), and ln2 is differentiated at the replaced input it really read, so ln2's weight
  /// gradient equals central finite differences of the hooked forward pass.
  func testGradientsThroughAReplacedMlpInMatchFiniteDifferences() throws {
    let f = try EngineAnalysisFixture()
    let model = f.model
    let tokens = f.reference.sites.tokens
    // Not an affine map of the row (ln2 would undo that): seeded values at position 3 of both rows.
    let C = model.config.modelDim
    let replacement = seededValues(2 * C, seed: 51, scale: 2)
    let replace = Hook(.block(0, .mlpIn)) { x, _ in for b in 0..<2 { for c in 0..<C { x[b, 3, c] = replacement[b * C + c] } } }
    let objective = Objectives.logProbability(of: [9, 44])
    let grads = ParameterStore(layout: model.parameters.layout)
    _ = try model.withHooks([replace]) { try model.gradients(tokens, parameterGradients: grads, objective: objective) }
    let name = ParameterName.block(0, .ln2Weight)
    func value() throws -> Double { Double(try model.withHooks([replace]) { try objective(model.forward(tokens)).value }) }
    let epsilon: Float = 1e-2
    var worst: Float = 0
    for c in 0..<C {
      let pointer = model.parameters.pointer(name) + c
      let original = pointer.pointee
      pointer.pointee = original + epsilon
      let plus = try value()
      pointer.pointee = original - epsilon
      let minus = try value()
      pointer.pointee = original
      let numeric = Float((plus - minus) / Double(2 * epsilon))
      worst = max(worst, abs(grads.pointer(name)[c] - numeric))
    }
    XCTAssertLessThan(worst, 2e-3, "ln2 weight gradient vs finite differences, worst difference")
  }
}
