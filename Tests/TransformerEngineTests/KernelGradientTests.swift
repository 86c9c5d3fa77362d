import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Every backward kernel against central finite differences on tiny shapes. The scalar checked
/// is L = Σ out ⊙ R for a fixed random R, so ∂L/∂out = R.
final class KernelGradientTests: XCTestCase {
  /// Compares `analytic` with (L(x+ε) - L(x-ε)) / 2ε for every element of `x`.
  func checkFiniteDifferences(
    _ label: String, _ x: [Float], analytic: [Float], epsilon: Float = 1e-2, loss: ([Float]) -> Double,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(x.count, analytic.count, label)
    var worst: Float = 0
    for i in x.indices {
      var plus = x, minus = x
      plus[i] += epsilon
      minus[i] -= epsilon
      let numeric = Float((loss(plus) - loss(minus)) / Double(2 * epsilon))
      let error = abs(numeric - analytic[i]) / (1e-2 + abs(numeric))
      worst = max(worst, error)
      if error > 2e-2 {
        XCTFail("\(label)[\(i)]: analytic \(analytic[i]) vs numeric \(numeric)", file: file, line: line)
        return
      }
    }
    XCTAssertLessThan(worst, 2e-2, label, file: file, line: line)
  }

  func weightedSum(_ out: [Float], _ r: [Float]) -> Double {
    zip(out, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  }

  func testLayerNorm() {
    let (N, C) = (3, 7)
    let x = seededValues(N * C, seed: 1, scale: 2), w = seededValues(C, seed: 2).map { $0 + 1 }
    let b = seededValues(C, seed: 3), r = seededValues(N * C, seed: 4)
    func run(_ x: [Float], _ w: [Float], _ b: [Float]) -> [Float] {
      var mean = [Float](repeating: 0, count: N), scale = mean, out = [Float](repeating: 0, count: N * C)
      layerNormStatistics(mean: &mean, scale: &scale, input: x, N: N, C: C, epsilon: 1e-5)
      layerNormApply(out: &out, input: x, mean: mean, scale: scale, weight: w, bias: b, N: N, C: C)
      return out
    }
    var mean = [Float](repeating: 0, count: N), scale = mean
    layerNormStatistics(mean: &mean, scale: &scale, input: x, N: N, C: C, epsilon: 1e-5)
    var dx = [Float](repeating: 0, count: N * C), dw = [Float](repeating: 0, count: C), db = dw
    layerNormBackward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, input: x, weight: w, mean: mean, scale: scale, N: N, C: C)
    checkFiniteDifferences("layernorm dx", x, analytic: dx) { weightedSum(run($0, w, b), r) }
    checkFiniteDifferences("layernorm dweight", w, analytic: dw) { weightedSum(run(x, $0, b), r) }
    checkFiniteDifferences("layernorm dbias", b, analytic: db) { weightedSum(run(x, w, $0), r) }
  }

  func testLayerNormScaleGradient() {
    // With scale as the variable: out = (x - mean)/s · w + b, so ∂L/∂s = -Σ dnorm·xhat / s.
    let (N, C) = (2, 5)
    let x = seededValues(N * C, seed: 11, scale: 2), w = seededValues(C, seed: 12), b = seededValues(C, seed: 13)
    let r = seededValues(N * C, seed: 14)
    var mean = [Float](repeating: 0, count: N), scale = mean
    layerNormStatistics(mean: &mean, scale: &scale, input: x, N: N, C: C, epsilon: 1e-5)
    var dx = [Float](repeating: 0, count: N * C), dw = [Float](repeating: 0, count: C), db = dw, ds = [Float](repeating: 0, count: N)
    layerNormBackward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, input: x, weight: w, mean: mean, scale: scale, N: N, C: C, dscale: &ds)
    checkFiniteDifferences("layernorm dscale", scale, analytic: ds, epsilon: 1e-3) { s in
      var out = [Float](repeating: 0, count: N * C)
      layerNormApply(out: &out, input: x, mean: mean, scale: s, weight: w, bias: b, N: N, C: C)
      return weightedSum(out, r)
    }
  }

  func testLinear() {
    let (N, IC, OC) = (4, 3, 5)
    let x = seededValues(N * IC, seed: 5), w = seededValues(IC * OC, seed: 6), b = seededValues(OC, seed: 7)
    let r = seededValues(N * OC, seed: 8)
    func run(_ x: [Float], _ w: [Float], _ b: [Float]) -> [Float] {
      var out = [Float](repeating: 0, count: N * OC)
      linearForward(out: &out, input: x, weight: w, bias: b, N: N, IC: IC, OC: OC)
      return out
    }
    var dx = [Float](repeating: 0, count: N * IC), dw = [Float](repeating: 0, count: IC * OC), db = [Float](repeating: 0, count: OC)
    linearBackward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, input: x, weight: w, N: N, IC: IC, OC: OC)
    checkFiniteDifferences("linear dx", x, analytic: dx) { weightedSum(run($0, w, b), r) }
    checkFiniteDifferences("linear dweight", w, analytic: dw) { weightedSum(run(x, $0, b), r) }
    checkFiniteDifferences("linear dbias", b, analytic: db) { weightedSum(run(x, w, $0), r) }
  }

  func testActivations() {
    let x = seededValues(40, seed: 9, scale: 3).map { abs($0) < 0.05 ? $0 + 0.2 : $0 }  // keep off relu's kink
    let r = seededValues(40, seed: 10)
    for kind in [ModelConfig.Activation.geluNew, .gelu, .relu] {
      var dx = [Float](repeating: 0, count: 40)
      activationBackward(kind, dinp: &dx, input: x, dout: r, N: 40)
      checkFiniteDifferences("\(kind) dx", x, analytic: dx, epsilon: 1e-3) { x in
        var out = [Float](repeating: 0, count: 40)
        activationForward(kind, out: &out, input: x, N: 40)
        return weightedSum(out, r)
      }
    }
  }

  func testAttention() {
    let (B, T, NH, HS) = (2, 4, 2, 3)
    let C = NH * HS
    let qkv = seededValues(B * T * 3 * C, seed: 15, scale: 1.5)
    let r = seededValues(B * T * C, seed: 16)
    func run(_ qkv: [Float]) -> [Float] {
      var scores = [Float](repeating: 0, count: B * NH * T * T), pattern = scores
      var z = [Float](repeating: 0, count: B * T * C)
      attentionScoresForward(scores: &scores, qkv: qkv, B: B, T: T, NH: NH, HS: HS)
      attentionSoftmaxForward(pattern: &pattern, scores: scores, rows: B * NH * T, T: T)
      attentionValuesForward(z: &z, pattern: pattern, qkv: qkv, B: B, T: T, NH: NH, HS: HS)
      return z
    }
    var scores = [Float](repeating: 0, count: B * NH * T * T), pattern = scores
    attentionScoresForward(scores: &scores, qkv: qkv, B: B, T: T, NH: NH, HS: HS)
    attentionSoftmaxForward(pattern: &pattern, scores: scores, rows: B * NH * T, T: T)
    var dqkv = [Float](repeating: 0, count: qkv.count), dp = pattern, ds = pattern
    attentionBackward(dqkv: &dqkv, dpattern: &dp, dscores: &ds, dz: r, pattern: pattern, qkv: qkv, B: B, T: T, NH: NH, HS: HS)
    checkFiniteDifferences("attention dqkv", qkv, analytic: dqkv, epsilon: 1e-2) { weightedSum(run($0), r) }
    // Masked (future) entries get no gradient.
    XCTAssertEqual(ds[0 * T + 1], 0)
  }

  func testUnembeddingAndCrossEntropy() {
    let (R, C, V) = (3, 4, 6)
    let x = seededValues(R * C, seed: 17), w = seededValues(V * C, seed: 18, scale: 2)
    let targets: [Int32] = [2, -1, 5]
    func loss(_ x: [Float], _ w: [Float]) -> Double {
      var logits = [Float](repeating: 0, count: R * V), d = logits
      unembedForward(logits: &logits, input: x, unembedding: w, R: R, C: C, V: V)
      return Double(crossEntropyForwardBackward(logits: logits, targets: targets, dlogits: &d, R: R, V: V))
    }
    var logits = [Float](repeating: 0, count: R * V), dlogits = logits
    unembedForward(logits: &logits, input: x, unembedding: w, R: R, C: C, V: V)
    let value = crossEntropyForwardBackward(logits: logits, targets: targets, dlogits: &dlogits, R: R, V: V)
    XCTAssertEqual(dlogits[V..<(2 * V)].allSatisfy { $0 == 0 }, true, "ignored target row has no gradient")
    checkFiniteDifferences("cross-entropy dlogits", logits, analytic: dlogits, epsilon: 1e-3) { l in
      var d = l
      return Double(crossEntropyForwardBackward(logits: l, targets: targets, dlogits: &d, R: R, V: V))
    }
    var dx = [Float](repeating: 0, count: R * C), dw = [Float](repeating: 0, count: V * C)
    unembedBackward(dinput: &dx, dunembedding: &dw, dlogits: dlogits, input: x, unembedding: w, R: R, C: C, V: V)
    checkFiniteDifferences("unembed dinput", x, analytic: dx, epsilon: 1e-3) { loss($0, w) }
    checkFiniteDifferences("unembed dweight", w, analytic: dw, epsilon: 1e-3) { loss(x, $0) }
    // Loss of a uniform prediction is log V.
    var d = [Float](repeating: 0, count: V)
    XCTAssertEqual(crossEntropyForwardBackward(logits: [Float](repeating: 0, count: V), targets: [0], dlogits: &d, R: 1, V: V), log(Float(V)), accuracy: 1e-6)
    XCTAssertGreaterThan(value, 0)
  }

  func testEmbedding() {
    let (B, T, C, V, P) = (2, 3, 2, 4, 5)
    let tokens: [Int32] = [1, 3, 1, 0, 1, 2]
    let wte = seededValues(V * C, seed: 19), wpe = seededValues(P * C, seed: 20)
    let r1 = seededValues(B * T * C, seed: 21), r2 = seededValues(B * T * C, seed: 22)
    func loss(_ wte: [Float], _ wpe: [Float]) -> Double {
      var e = [Float](repeating: 0, count: B * T * C), p = e
      embeddingForward(embed: &e, position: &p, tokens: tokens, wte: wte, wpe: wpe, B: B, T: T, C: C)
      return weightedSum(e, r1) + weightedSum(p, r2)
    }
    var dwte = [Float](repeating: 0, count: V * C), dwpe = [Float](repeating: 0, count: P * C)
    embeddingBackward(dwte: &dwte, dwpe: &dwpe, dembed: r1, dposition: r2, tokens: tokens, B: B, T: T, C: C)
    checkFiniteDifferences("embedding dwte", wte, analytic: dwte) { loss($0, wpe) }
    checkFiniteDifferences("embedding dwpe", wpe, analytic: dwpe) { loss(wte, $0) }
  }
}
