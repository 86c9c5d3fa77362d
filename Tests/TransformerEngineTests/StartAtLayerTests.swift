import HeadLabTestSupport
import TransformerEngine
import XCTest

/// `forward(fromLayer:residual:)`: a pass started from a residual stream at block l's input.
final class StartAtLayerTests: XCTestCase {
  func testStartingFromEachCachedResidPreReproducesTheLogitsBitForBit() throws {
    let model = try EngineAnalysisFixture().model
    let L = model.config.layers
    let tokens = seededTokens(B: 2, T: 7, vocabularySize: model.config.vocabularySize, seed: 11)
    let sites = Set((0..<L).map { HookSite.block($0, .residPre) } + [.block(L - 1, .residPost)])
    for selection in [LogitPositions.all, .last, .perRow([3, 6])] {
      let (logits, cache) = try model.runWithCache(tokens, sites: sites, logits: selection)
      for l in 0...L {
        let residual = try XCTUnwrap(l < L ? cache[.block(l, .residPre)] : cache[.block(L - 1, .residPost)])
        let started = try model.forward(fromLayer: l, residual: residual, logits: selection)
        XCTAssertEqual(started.shape, logits.shape)
        XCTAssertEqual(started.values, logits.values, "start at layer \(l), \(selection): logits differ")
      }
    }
  }

  func testOnlyHooksAtAndAfterTheStartLayerFire() throws {
    let model = try EngineAnalysisFixture().model
    let L = model.config.layers
    let tokens = seededTokens(B: 1, T: 5, vocabularySize: model.config.vocabularySize, seed: 12)
    let (_, cache) = try model.runWithCache(tokens, sites: [.block(1, .residPre)])
    let fired = SiteLog()
    let every = HookSite.allSites(layers: L).filter { !$0.point.isOptIn }
    let hooks = every.map { Hook.reading($0) { _, site in fired.append(site) } }
    _ = try model.withHooks(hooks) { try model.forward(fromLayer: 1, residual: cache[.block(1, .residPre)]!) }
    XCTAssertEqual(fired.sites, every.filter { $0 >= HookSite.block(1, .residPre) }, "hooks fired in a pass started at block 1")

    // A replacement at the start layer acts as in a full pass.
    let zeroHead = Hook(.block(1, .z)) { z, _ in for t in 0..<5 { for d in 0..<z.shape[3] { z[0, t, 2, d] = 0 } } }
    let full = try model.withHooks([zeroHead]) { try model.forward(tokens, logits: .all) }
    let started = try model.withHooks([zeroHead]) { try model.forward(fromLayer: 1, residual: cache[.block(1, .residPre)]!, logits: .all) }
    XCTAssertEqual(started.values, full.values)
    XCTAssertGreaterThan(full.maxAbsDifference(try model.forward(tokens, logits: .all)), 0.01, "zeroing the head changed nothing")
  }

  func testBadStartsAreRefusedNamingTheCulprit() throws {
    let model = try EngineAnalysisFixture().model
    let C = model.config.modelDim
    XCTAssertThrowsError(try model.forward(fromLayer: 3, residual: Tensor(shape: [1, 2, C]))) { error in
      XCTAssertTrue("\(error)".contains("start layer 3"), "\(error)")
    }
    XCTAssertThrowsError(try model.forward(fromLayer: 1, residual: Tensor(shape: [1, 2, C + 1]))) { error in
      XCTAssertTrue("\(error)".contains("blocks.1.hook_resid_pre"), "\(error)")
    }
  }
}

/// Hook sites in the order their hooks fired.
final class SiteLog: @unchecked Sendable {
  private(set) var sites: [HookSite] = []
  func append(_ site: HookSite) { sites.append(site) }
}
