import HeadLabTestSupport
import TransformerEngine
import XCTest

final class HookTests: XCTestCase {
  /// Every site but the opt-in ones (`hook_result` switches attention's output projection to a
  /// per-head sum, equal only to float rounding, tested below; the per-head attention inputs
  /// run ln1 per head, tested in EngineAnalysisHookTests).
  func testIdentityHooksLeaveLogitsBitIdentical() throws {
    let model = try tinyRandomModel()
    let tokens = [[1, 5, 9, 2, 7], [3, 3, 8, 0, 22]]
    let plain = try model.forward(tokens, logits: .all)
    let every = HookSite.allSites(layers: model.config.layers).filter { !$0.point.isOptIn }.map { Hook($0) { _, _ in } }
    let hooked = try model.withHooks(every) { try model.forward(tokens, logits: .all) }
    XCTAssertEqual(plain.values, hooked.values)
  }

  func testHookResultSumsToAttentionOutput() throws {
    let model = try tinyRandomModel()
    let tokens = [[1, 5, 9, 2]]
    let result = HookSite.block(1, .result), out = HookSite.block(1, .attnOut)
    let (_, cache) = try model.runWithCache(tokens, sites: [result, out])
    let r = cache[result]!, o = cache[out]!
    let bias = model.parameters.tensor(.block(1, .attnOutBias))
    let (T, NH, C) = (4, model.config.heads, model.config.modelDim)
    for t in 0..<T {
      for c in 0..<C {
        var sum = bias.values[c]
        for h in 0..<NH { sum += r[0, t, h, c] }
        XCTAssertEqual(sum, o[0, t, c], accuracy: 1e-5)
      }
    }
    // Hooking hook_result with identity keeps logits within float rounding of the fused path.
    let plain = try model.forward(tokens)
    let hooked = try model.withHooks([Hook(result) { _, _ in }]) { try model.forward(tokens) }
    assertClose(hooked, plain, tolerance: 1e-5, "logits via per-head results")
  }

  func testResultIsOptIn() throws {
    let model = try tinyRandomModel()
    let (_, cache) = try model.runWithCache([[1, 2, 3]])
    XCTAssertNil(cache["blocks.0.attn.hook_result"])
    XCTAssertNotNil(cache["blocks.0.attn.hook_z"])
    XCTAssertEqual(cache.sites.count, HookSite.allSites(layers: 2).filter { !$0.point.isOptIn }.count)
    XCTAssertEqual(HookSite.allSites(layers: 2).filter(\.point.isOptIn).count, 2 * 6, "result, attn_in, q/k/v_input, mlp_in per layer")
    XCTAssertEqual(cache["unembed.hook_out"]!.shape, [1, 1, 23])
  }

  func testReplacingAnActivationChangesDownstreamOnly() throws {
    let model = try tinyRandomModel()
    let tokens = [[4, 1, 6, 6]]
    let zeroHead = Hook(.block(0, .z)) { z, _ in
      for t in 0..<4 { for d in 0..<8 { z[0, t, 1, d] = 0 } }
    }
    let (_, clean) = try model.runWithCache(tokens)
    var patchedCache = ActivationCache()
    try model.withHooks([zeroHead]) {
      patchedCache = try model.runWithCache(tokens).cache
    }
    XCTAssertEqual(patchedCache["blocks.0.attn.hook_pattern"], clean["blocks.0.attn.hook_pattern"])
    XCTAssertEqual(patchedCache["blocks.0.attn.hook_z"]![0, 2, 1, 3], 0)
    XCTAssertNotEqual(patchedCache["blocks.0.hook_attn_out"], clean["blocks.0.hook_attn_out"])
  }

  func testHooksAreRemovedWhenTheBodyThrows() throws {
    struct Boom: Error {}
    let model = try tinyRandomModel()
    let counter = Counter()
    let hook = Hook.reading(.block(0, .residPre)) { _, _ in counter.increment() }
    XCTAssertThrowsError(try model.withHooks([hook]) { _ = try model.forward([[1, 2]]); throw Boom() })
    XCTAssertEqual(counter.value, 1)
    _ = try model.forward([[1, 2]])
    XCTAssertEqual(counter.value, 1, "hook still active after its scope threw")
  }

  func testHookThatChangesShapeIsAnError() throws {
    let model = try tinyRandomModel()
    let bad = Hook(.block(0, .mlpPost)) { t, _ in t = Tensor(shape: [1]) }
    XCTAssertThrowsError(try model.withHooks([bad]) { try model.forward([[1, 2]]) }) { error in
      XCTAssertTrue("\(error)".contains("blocks.0.mlp.hook_post"), "\(error)")
    }
  }

  func testUnknownHookNameSuggestsTheClosest() {
    XCTAssertThrowsError(try HookSite(parsing: "blocks.0.attn.hook_patern", layers: 2)) { error in
      XCTAssertEqual("\(error)", "unknown hook name 'blocks.0.attn.hook_patern'; did you mean 'blocks.0.attn.hook_pattern'?")
    }
    XCTAssertThrowsError(try HookSite(parsing: "blocks.5.hook_resid_pre", layers: 2))
    XCTAssertEqual(try HookSite(parsing: "ln_final.hook_scale", layers: 2), HookSite(.finalScale))
  }

  func testHookShapesFollowTransformerLens() throws {
    let model = try tinyRandomModel()
    // Every site but the per-head attention inputs (they refuse ln1 hooks at the same layer).
    let sites = HookSite.allSites(layers: 2).filter { !$0.point.isAttentionInput }
    let (_, cache) = try model.runWithCache([[1, 2, 3], [4, 5, 6]], sites: Set(sites))
    XCTAssertEqual(cache["blocks.1.attn.hook_q"]!.shape, [2, 3, 2, 8])
    XCTAssertEqual(cache["blocks.1.attn.hook_pattern"]!.shape, [2, 2, 3, 3])
    XCTAssertEqual(cache["blocks.1.attn.hook_result"]!.shape, [2, 3, 2, 16])
    XCTAssertEqual(cache["blocks.0.ln1.hook_scale"]!.shape, [2, 3, 1])
    XCTAssertEqual(cache["blocks.0.mlp.hook_pre"]!.shape, [2, 3, 64])
    XCTAssertEqual(cache["blocks.0.hook_mlp_in"]!.shape, [2, 3, 16])
    XCTAssertEqual(cache["ln_final.hook_normalized"]!.shape, [2, 3, 16])
  }
}

final class Counter: @unchecked Sendable {
  private(set) var value = 0
  func increment() { value += 1 }
}
