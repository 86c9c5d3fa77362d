import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// `forward(fromLayer:suffix:offset:prefix:)`: blocks l..L-1 over positions p..<p+S only, with the
/// keys and values of positions < p taken from a cached run.
final class SuffixForwardTests: XCTestCase {
  /// models/tiny-f32 (2 layers, 4 heads, C 32) and a seeded random model (2 layers, 2 heads, C 16).
  func models() throws -> [(name: String, model: TransformerModel)] {
    [("tiny-f32", try EngineAnalysisFixture().model), ("tinyRandomModel", try tinyRandomModel())]
  }

  /// Every site a target run must record to feed suffix passes from any layer.
  func targetSites(layers L: Int) -> Set<HookSite> {
    Set((0..<L).flatMap { [HookSite.block($0, .residPre), .block($0, .k), .block($0, .v)] } + [.block(L - 1, .residPost)])
  }

  /// `blocks.{l}.hook_resid_pre` of a cache (`blocks.{L-1}.hook_resid_post` for l == L).
  func residPre(_ cache: ActivationCache, layer l: Int, layers L: Int) throws -> Tensor {
    try XCTUnwrap(l < L ? cache[.block(l, .residPre)] : cache[.block(L - 1, .residPost)])
  }

  /// For prompts of every length T up to 7, every start block l, every offset p and every
  /// suffix length S: the suffix p..<p+S equals the full run's positions p..<p+S (and `.last`,
  /// `.perRow` index the suffix). Tolerance: 1e-6 relative to the largest logit (see
  /// `scaledTolerance`); the test reports how many cases agree bit for bit.
  func testEverySuffixReproducesTheFullRunAtEveryLayerAndOffset() throws {
    var cases = 0, bitExact = 0, fullLength = 0, fullLengthBitExact = 0
    var worst: Float = 0, worstRelative: Float = 0
    for (name, model) in try models() {
      let L = model.config.layers
      let prompts = seededTokens(B: 2, T: 7, vocabularySize: model.config.vocabularySize, seed: 51)
      for T in 1...7 {
        let tokens = prompts.map { Array($0.prefix(T)) }
        let (full, cache) = try model.runWithCache(tokens, sites: targetSites(layers: L), logits: .all)  // [B,T,V]
        for l in 0...L {
          let resid = try residPre(cache, layer: l, layers: L)
          for p in 0..<T {
            let prefix = try AttentionPrefix(cache: cache, layers: l..<L, positions: p)
            for S in 1...(T - p) {
              let label = "\(name): T \(T), layer \(l), p \(p), S \(S)"
              let suffix = try model.forward(fromLayer: l, suffix: positions(resid, p..<(p + S)), offset: p, prefix: prefix, logits: .all)
              let expected = positions(full, p..<(p + S))
              assertClose(suffix, expected, tolerance: scaledTolerance(expected), label)
              let difference = suffix.maxAbsDifference(expected)
              worst = max(worst, difference)
              worstRelative = max(worstRelative, difference / max(1, maxAbs(expected)))
              cases += 1
              if difference == 0 { bitExact += 1 }
              if p + S == T {
                fullLength += 1
                if difference == 0 { fullLengthBitExact += 1 }
              }
            }
            // `.last` and `.perRow` index the suffix p..<T: compare with the full run's own selection.
            let S = T - p, chosen = [S - 1, S / 2]
            let last = try model.forward(fromLayer: l, suffix: positions(resid, p..<T), offset: p, prefix: prefix)
            let fullLast = try model.forward(tokens)
            assertClose(last, fullLast, tolerance: scaledTolerance(fullLast), "\(name): T \(T), layer \(l), p \(p): .last")
            let perRow = try model.forward(fromLayer: l, suffix: positions(resid, p..<T), offset: p, prefix: prefix, logits: .perRow(chosen))
            let fullPerRow = try model.forward(tokens, logits: .perRow(chosen.map { p + $0 }))
            assertClose(perRow, fullPerRow, tolerance: scaledTolerance(fullPerRow), "\(name): T \(T), layer \(l), p \(p): .perRow")
          }
        }
      }
    }
    print("suffix pass vs full pass: \(cases) cases, \(bitExact) bit for bit (suffixes reaching the prompt's end: \(fullLengthBitExact) of \(fullLength)); worst |difference| \(worst), relative to the largest logit \(worstRelative)")
  }

  func testBroadcastPrefixBatchEqualsEachRowRunAlone() throws {
    for (name, model) in try models() {
      let L = model.config.layers, T = 7, p = 3, l = 1
      let tokens = seededTokens(B: 2, T: T, vocabularySize: model.config.vocabularySize, seed: 52)
      let (_, cache) = try model.runWithCache([tokens[0]], sites: targetSites(layers: L))
      let (_, other) = try model.runWithCache([tokens[1]], sites: targetSites(layers: L))
      let own = positions(try residPre(cache, layer: l, layers: L), p..<T)  // [1,S,C]
      // Three variants of prompt 0's suffix: itself, perturbed, and prompt 1's suffix.
      let perturbed = Tensor(shape: own.shape, values: zip(own.values, seededValues(own.count, seed: 53)).map { $0 + 0.5 * $1 })
      let foreign = positions(try residPre(other, layer: l, layers: L), p..<T)
      let variants = [own, perturbed, foreign]
      let batch = Tensor(shape: [3] + own.shape.dropFirst(), values: variants.flatMap(\.values))
      let prefix = try AttentionPrefix(cache: cache, layers: l..<L, positions: p)
      XCTAssertEqual(prefix.keys[l]?.shape.first, 1, "a single cached prompt stays one row")
      let stacked = try model.forward(fromLayer: l, suffix: batch, offset: p, prefix: prefix, logits: .all)
      for (b, variant) in variants.enumerated() {
        let alone = try model.forward(fromLayer: l, suffix: variant, offset: p, prefix: prefix, logits: .all)
        assertClose(rows(stacked, b..<(b + 1)), alone, tolerance: scaledTolerance(alone), "\(name): variant \(b) in the B=3 batch vs alone")
      }
      XCTAssertGreaterThan(rows(stacked, 0..<1).maxAbsDifference(rows(stacked, 1..<2)), 1e-3, "\(name): the perturbation changed nothing")
      // The same prefix tiled to Bp == B gives the same logits as the broadcast one.
      let tiled = AttentionPrefix(positions: p, keys: prefix.keys.mapValues { tile($0, 3) }, values: prefix.values.mapValues { tile($0, 3) })
      let perRow = try model.forward(fromLayer: l, suffix: batch, offset: p, prefix: tiled, logits: .all)
      XCTAssertEqual(perRow.values, stacked.values, "\(name): Bp = B vs Bp = 1")
    }
  }

  /// `variants` tiles a batch of B0 prompts variant-major: suffix row v*B0 + b reads prompt b.
  func testTiledPromptBatchIsVariantMajor() throws {
    let model = try EngineAnalysisFixture().model
    let L = model.config.layers, T = 6, p = 2, l = 0, B0 = 2, V = 3
    let tokens = seededTokens(B: B0, T: T, vocabularySize: model.config.vocabularySize, seed: 54)
    let (full, cache) = try model.runWithCache(tokens, sites: targetSites(layers: L), logits: .all)
    let prefix = try AttentionPrefix(cache: cache, layers: l..<L, positions: p, variants: V)
    XCTAssertEqual(prefix.keys[0]?.shape, [V * B0, p, model.config.heads, model.config.headDim])
    let suffix = positions(try residPre(cache, layer: l, layers: L), p..<T)  // [B0,S,C]
    let batch = Tensor(shape: [V * B0] + suffix.shape.dropFirst(), values: Array(Array(repeating: suffix.values, count: V).joined()))
    let logits = try model.forward(fromLayer: l, suffix: batch, offset: p, prefix: prefix, logits: .all)
    for v in 0..<V {
      for b in 0..<B0 {
        let expected = positions(rows(full, b..<(b + 1)), p..<T)
        assertClose(rows(logits, (v * B0 + b)..<(v * B0 + b + 1)), expected, tolerance: scaledTolerance(expected), "variant \(v), prompt \(b)")
      }
    }
  }

  func testHooksFireWithSuffixShapesAndThePatternMatchesTheFullRunsRows() throws {
    let model = try EngineAnalysisFixture().model
    let c = model.config, L = c.layers, T = 7, p = 3, S = T - p, l = 1, B = 2
    let tokens = seededTokens(B: B, T: T, vocabularySize: c.vocabularySize, seed: 55)
    let every = Set(HookSite.allSites(layers: L).filter { !$0.point.isOptIn || $0.point == .result || $0.point == .mlpIn })
    let (_, cache) = try model.runWithCache(tokens, sites: every, logits: .all)
    let prefix = try AttentionPrefix(cache: cache, layers: l..<L, positions: p)
    let box = SuffixCache()
    let hooks = every.map { site in Hook.reading(site) { tensor, site in box.store(site, tensor) } }
    _ = try model.withHooks(hooks) {
      try model.forward(fromLayer: l, suffix: positions(cache[.block(l, .residPre)]!, p..<T), offset: p, prefix: prefix, logits: .all)
    }
    XCTAssertEqual(box.order, every.filter { $0 >= HookSite.block(l, .residPre) }.sorted(), "sites fired by a suffix pass from block \(l)")
    for site in box.order {
      let got = box.cache[site]!
      switch site.point {
      case .attnScores, .pattern:
        XCTAssertEqual(got.shape, [B, c.heads, S, p + S], site.name)
        // Query s of the suffix is query p+s of the full run, over the same keys.
        let full = cache[site]!
        var expected = Tensor(shape: got.shape)
        for b in 0..<B { for h in 0..<c.heads { for s in 0..<S { for k in 0..<(p + S) { expected[b, h, s, k] = full[b, h, p + s, k] } } } }
        assertClose(got, expected, tolerance: scaledTolerance(expected), "\(site.name): suffix rows vs the full run's rows p..<T")
      case .unembedOut:
        XCTAssertEqual(got.shape, [B, S, c.vocabularySize], site.name)
      default:
        XCTAssertEqual(got.shape, site.shape(batch: B, positions: S, config: c), site.name)
        let expected = positions(cache[site]!, p..<T)
        assertClose(got, expected, tolerance: scaledTolerance(expected), "\(site.name): suffix vs the full run's positions p..<T")
      }
    }
  }

  func testReplacingHookZMatchesTheSameReplacementInAFullPass() throws {
    for (name, model) in try models() {
      let c = model.config, L = c.layers, T = 7
      let tokens = seededTokens(B: 2, T: T, vocabularySize: c.vocabularySize, seed: 56)
      let (full, cache) = try model.runWithCache(tokens, sites: targetSites(layers: L), logits: .all)
      let donor = seededValues(c.modelDim, seed: 57)
      for l in 0..<L {
        for t in 0..<T {
          // Head 1 of block l at absolute position t (row 1 only) gets donor values.
          func patch(at index: Int) -> Hook {
            Hook(.block(l, .z)) { z, _ in for d in 0..<c.headDim { z[1, index, 1, d] = donor[d] } }
          }
          let patched = try model.withHooks([patch(at: t)]) { try model.forward(tokens, logits: .all) }
          XCTAssertGreaterThan(patched.maxAbsDifference(full), 1e-4, "\(name): the patch changed nothing")
          for p in 0...t {
            let prefix = try AttentionPrefix(cache: cache, layers: l..<L, positions: p)
            let resid = positions(try residPre(cache, layer: l, layers: L), p..<T)
            let suffix = try model.withHooks([patch(at: t - p)]) {
              try model.forward(fromLayer: l, suffix: resid, offset: p, prefix: prefix, logits: .all)
            }
            assertClose(suffix, positions(patched, p..<T), tolerance: scaledTolerance(patched), "\(name): hook_z patch at block \(l), position \(t), p \(p)")
          }
        }
      }
    }
  }

  func testHeadGatesAndCancellationActAsInTheFullPass() throws {
    let model = try EngineAnalysisFixture().model
    let c = model.config, L = c.layers, T = 6, p = 2, B = 3
    let tokens = seededTokens(B: B, T: T, vocabularySize: c.vocabularySize, seed: 58)
    var rowGates = Tensor(shape: [B, L, c.heads], values: seededValues(B * L * c.heads, seed: 59).map { 1 + 0.5 * $0 })
    rowGates[0, 1, 2] = 0
    let shared = Tensor(shape: [L, c.heads], values: Array(rowGates.values[(2 * L * c.heads)...]))
    for gates in [rowGates, shared] {
      // The prefix comes from the gated run: the gates act on the prefix positions too.
      let (full, cache) = try model.withHeadGates(gates) { try model.runWithCache(tokens, sites: targetSites(layers: L), logits: .all) }
      for l in 0..<L {
        let prefix = try AttentionPrefix(cache: cache, layers: l..<L, positions: p)
        let suffix = try model.withHeadGates(gates) {
          try model.forward(fromLayer: l, suffix: positions(cache[.block(l, .residPre)]!, p..<T), offset: p, prefix: prefix, logits: .all)
        }
        assertClose(suffix, positions(full, p..<T), tolerance: scaledTolerance(full), "gates \(gates.shape), block \(l)")
      }
    }
    let (_, cache) = try model.runWithCache(tokens, sites: targetSites(layers: L))
    let prefix = try AttentionPrefix(cache: cache, layers: 0..<L, positions: p)
    let resid = positions(cache[.block(0, .residPre)]!, p..<T)
    let calls = Counter()
    XCTAssertThrowsError(try model.withCancellation({ calls.increment(); return calls.value > 1 }) {
      try model.forward(fromLayer: 0, suffix: resid, offset: p, prefix: prefix)
    }) { XCTAssertEqual($0 as? EngineError, .cancelled) }
    XCTAssertEqual(calls.value, 2, "polled before block 0 and block 1")
  }

  func testBadInputIsRefusedNamingTheCulprit() throws {
    let model = try EngineAnalysisFixture().model
    let c = model.config, L = c.layers, T = 6
    let tokens = seededTokens(B: 1, T: T, vocabularySize: c.vocabularySize, seed: 60)
    let (_, cache) = try model.runWithCache(tokens, sites: targetSites(layers: L))
    let prefix = try AttentionPrefix(cache: cache, layers: 0..<L, positions: 2)
    let resid = positions(cache[.block(0, .residPre)]!, 2..<T)
    func refuses(_ expected: String, _ body: () throws -> Any, line: UInt = #line) {
      XCTAssertThrowsError(try body(), line: line) { error in
        XCTAssertTrue(error is EngineError, "\(error)", line: line)
        XCTAssertTrue("\(error)".contains(expected), "'\(error)' does not name '\(expected)'", line: line)
      }
    }
    refuses("suffix offset p = -1 is negative") { try model.forward(fromLayer: 0, suffix: resid, offset: -1, prefix: prefix) }
    refuses("attention prefix holds 2 positions but the suffix starts at offset p = 3") {
      try model.forward(fromLayer: 0, suffix: resid, offset: 3, prefix: prefix)
    }
    let long = Tensor(shape: [1, c.contextLength - 1, c.modelDim])
    refuses("suffix positions 2..<\(c.contextLength + 1) (offset p = 2, S = \(c.contextLength - 1)) run past the model's context of \(c.contextLength) positions") {
      try model.forward(fromLayer: 0, suffix: long, offset: 2, prefix: prefix)
    }
    refuses("attention prefix has no keys (hook_k) for layer 0") {
      try model.forward(fromLayer: 0, suffix: resid, offset: 2, prefix: try AttentionPrefix(cache: cache, layers: 1..<L, positions: 2))
    }
    var badKeys = prefix.keys
    badKeys[1] = tile(prefix.keys[1]!, 2)
    refuses("attention prefix keys (hook_k) of layer 1 have shape [2, 2, 4, 8], expected [1 or 3, 2, 4, 8]") {
      try model.forward(fromLayer: 0, suffix: Tensor(shape: [3] + resid.shape.dropFirst()), offset: 2,
                        prefix: AttentionPrefix(positions: 2, keys: badKeys, values: prefix.values))
    }
    refuses("suffix residual stream for blocks.1.hook_resid_pre must be [B, S, \(c.modelDim)], got [1, 4, 5]") {
      try model.forward(fromLayer: 1, suffix: Tensor(shape: [1, 4, 5]), offset: 2, prefix: prefix)
    }
    refuses("start layer 3 is outside 0...2") { try model.forward(fromLayer: 3, suffix: resid, offset: 2, prefix: prefix) }
    refuses("the cache has no blocks.0.attn.hook_k") {
      try AttentionPrefix(cache: ActivationCache(), layers: 0..<L, positions: 2)
    }
    refuses("attention prefix: positions 7 is outside 0...6 of the cached blocks.0.attn.hook_k") {
      try AttentionPrefix(cache: cache, layers: 0..<L, positions: 7)
    }
    refuses("blocks.1.hook_q_input is not supported in a suffix pass") {
      try model.withHooks([Hook.reading(.block(1, .qInput)) { _, _ in }]) {
        try model.forward(fromLayer: 0, suffix: resid, offset: 2, prefix: prefix)
      }
    }
  }

  /// Times the suffix pass against the start-at-layer pass on a GPT-2-small-shaped model (B=144
  /// variants of one 15-token prompt patched at p = 7, from block 6), and checks they agree.
  /// Runs only when HEADLAB_SUFFIX_BENCH names the model directory.
  func testSuffixPassBenchmarkOnAGPT2SmallShapedModel() throws {
    guard let path = ProcessInfo.processInfo.environment["HEADLAB_SUFFIX_BENCH"] else {
      throw XCTSkip("set HEADLAB_SUFFIX_BENCH to a model directory to run the benchmark")
    }
    let model = try ModelLoader.load(ModelDirectory(url: URL(fileURLWithPath: path))).0
    let c = model.config, L = c.layers, T = 15, p = 7, l = 6, B = 144, C = c.modelDim
    let tokens = seededTokens(B: 1, T: T, vocabularySize: c.vocabularySize, seed: 61)
    let (_, cache) = try model.runWithCache(tokens, sites: targetSites(layers: L))
    let prompt = cache[.block(l, .residPre)]!  // [1,T,C]
    // Variant b adds its own noise at position p (what a patch at block l, position p does).
    var full = Tensor(shape: [B, T, C])
    let noise = seededValues(B * C, seed: 62, scale: 0.5)
    for b in 0..<B {
      for i in 0..<(T * C) { full.values[b * T * C + i] = prompt.values[i] }
      for i in 0..<C { full.values[(b * T + p) * C + i] += noise[b * C + i] }
    }
    let suffix = positions(full, p..<T)
    let prefix = try AttentionPrefix(cache: cache, layers: l..<L, positions: p)
    func median(_ body: () throws -> Tensor) rethrows -> (ms: Double, result: Tensor) {
      var result = try body()
      var times: [Double] = []
      for _ in 0..<7 {
        let start = DispatchTime.now().uptimeNanoseconds
        result = try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
      }
      return (times.sorted()[times.count / 2], result)
    }
    let started = try median { try model.forward(fromLayer: l, residual: full, logits: .last) }
    let suffixed = try median { try model.forward(fromLayer: l, suffix: suffix, offset: p, prefix: prefix, logits: .last) }
    // The floor: a start-at-layer pass over S positions alone (no prefix to attend to).
    let floor = try median { try model.forward(fromLayer: l, residual: suffix, logits: .last) }
    print(String(format: "suffix bench (%@ kernels, %d threads): B=%d T=%d p=%d from block %d: start-at-layer %.1f ms, suffix %.1f ms, speed-up %.2fx (an S=%d-position pass alone: %.1f ms), max |difference| %g",
                 BLAS.coreName, BLAS.threadCount, B, T, p, l, started.ms, suffixed.ms, started.ms / suffixed.ms, T - p, floor.ms,
                 suffixed.result.maxAbsDifference(started.result)))
    assertClose(suffixed.result, started.result, tolerance: 1e-4, "suffix pass vs start-at-layer pass on \(path)")
  }
}

/// The largest |value| of a tensor.
func maxAbs(_ tensor: Tensor) -> Float { tensor.values.reduce(0) { max($0, abs($1)) } }

/// 1e-6 relative to the largest |value| (at least 1e-6): logits reach |15| on the test models,
/// where one float ulp is about 1e-6, and the BLAS kernels round a row differently depending on
/// how many rows a product has and where the row falls in their row blocks (so a pass over S
/// rows and one over T rows may differ in the last bits, as `.last` and `.all` of one pass do).
func scaledTolerance(_ expected: Tensor) -> Float { 1e-6 * max(1, maxAbs(expected)) }

/// Positions `range` of a [B,T,...] tensor's second axis: [B, range.count, ...].
func positions(_ tensor: Tensor, _ range: Range<Int>) -> Tensor {
  let B = tensor.shape[0], T = tensor.shape[1], inner = tensor.shape.dropFirst(2).reduce(1, *)
  var values = [Float]()
  values.reserveCapacity(B * range.count * inner)
  for b in 0..<B { values += tensor.values[((b * T + range.lowerBound) * inner)..<((b * T + range.upperBound) * inner)] }
  return Tensor(shape: [B, range.count] + tensor.shape.dropFirst(2), values: values)
}

/// A [1, ...] tensor repeated n times along its first axis.
func tile(_ tensor: Tensor, _ n: Int) -> Tensor {
  Tensor(shape: [n * tensor.shape[0]] + tensor.shape.dropFirst(), values: Array(Array(repeating: tensor.values, count: n).joined()))
}

/// Activations recorded by reading hooks, with the order they fired in.
final class SuffixCache: @unchecked Sendable {
  private(set) var cache = ActivationCache()
  private(set) var order: [HookSite] = []
  func store(_ site: HookSite, _ tensor: Tensor) {
    cache[site] = tensor
    order.append(site)
  }
}
