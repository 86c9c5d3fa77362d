import CircuitAnalysis
import Tokenizers
import TransformerEngine
import XCTest

/// Patching on the embedded default model over IOI datasets.
final class DefaultModelPatchingTests: XCTestCase {
  /// The ranking of heads by denoising attn_head_out_all_pos on 200 IOI prompts, corrupted by the
  /// IO<->S swap (which flips the logit difference's sign, as in TransformerLens's IOI demo), is
  /// stable across two dataset seeds: Spearman's rank correlation >= 0.8 (measured 0.99; top heads
  /// 0.0, 2.1, 2.0). With ABC corruption the denoising ranking is 0.65: head 0.0 alone restores the
  /// whole metric there and the other heads' effects are below 0.05, so their order is noise.
  func testIOIHeadPatchingRankingIsStableAcrossSeeds() throws {
    let directory = try XCTUnwrap(DefaultModel.directory)
    let model = try ModelLoader.load(ModelDirectory(url: directory)).0
    let tokenizer = try BPETokenizer.load(directory: directory)
    let subject = AnalysisSubject(model: model, identity: ModelIdentity(name: "default", sha256: String(repeating: "0", count: 64)),
                                  tokenText: { tokenizer.tokenText($0) })
    var effects: [[Double]] = []
    for seed: UInt64 in [1, 2] {
      let dataset = try IOIDataset(count: 200, seed: seed, corruption: .swap).build(tokenizer: tokenizer)
      let r = try ActivationPatching.sweep(.headOutAllPositions, subject: subject, groups: [try dataset.batch(tokenText: subject.tokenText)], normalise: true)
      XCTAssertEqual(r.count, 200)
      XCTAssertGreaterThan(try XCTUnwrap(r.metric?.clean), 2, "the default model does IOI")
      effects.append(r.values.numbers.map { $0! })
      let top = r.values.numbers.enumerated().sorted { $0.element! > $1.element! }.prefix(3).map { "\($0.offset / 4).\($0.offset % 4)=\(String(format: "%.3f", $0.element!))" }
      print("seed \(seed): top heads by normalised attn_head_out_all_pos patching: \(top.joined(separator: ", "))")
    }
    let rho = spearman(effects[0], effects[1])
    print("Spearman rank correlation across seeds: \(rho)")
    XCTAssertGreaterThanOrEqual(rho, 0.8)
  }

  /// Spearman's ρ: the Pearson correlation of the ranks (ties get their mean rank).
  func spearman(_ a: [Double], _ b: [Double]) -> Double {
    func ranks(_ x: [Double]) -> [Double] {
      let order = x.indices.sorted { x[$0] < x[$1] }
      var r = [Double](repeating: 0, count: x.count)
      var i = 0
      while i < order.count {
        var j = i
        while j + 1 < order.count, x[order[j + 1]] == x[order[i]] { j += 1 }
        for k in i...j { r[order[k]] = Double(i + j) / 2 }
        i = j + 1
      }
      return r
    }
    let (ra, rb) = (ranks(a), ranks(b))
    let ma = ra.reduce(0, +) / Double(ra.count), mb = rb.reduce(0, +) / Double(rb.count)
    let cov = zip(ra, rb).map { ($0 - ma) * ($1 - mb) }.reduce(0, +)
    let va = ra.map { ($0 - ma) * ($0 - ma) }.reduce(0, +), vb = rb.map { ($0 - mb) * ($0 - mb) }.reduce(0, +)
    return cov / (va * vb).squareRoot()
  }
}
