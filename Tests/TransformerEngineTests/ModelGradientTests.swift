import HeadLabTestSupport
import TransformerEngine
import XCTest

/// The whole backward pass against finite differences of the forward pass (in Float32, so
/// tolerances are loose; exact agreement with PyTorch autograd is `TorchGradientParityTests`).
final class ModelGradientTests: XCTestCase {
  let tokens = [[1, 5, 9, 2, 7], [3, 3, 8, 0, 22]]
  let targets = [[5, 9, 2, 7, 1], [3, 8, 0, 22, 4]]

  func loss(_ model: TransformerModel) throws -> Double {
    Double(try Objectives.crossEntropy(targets: targets)(model.forward(tokens, logits: .all)).value)
  }

  func numericGradient(_ model: TransformerModel, _ name: ParameterName, index: Int, epsilon: Float = 1e-2) throws -> Float {
    let pointer = model.parameters.pointer(name) + index
    let original = pointer.pointee
    pointer.pointee = original + epsilon
    let plus = try loss(model)
    pointer.pointee = original - epsilon
    let minus = try loss(model)
    pointer.pointee = original
    return Float((plus - minus) / Double(2 * epsilon))
  }

  func testParameterGradientsMatchFiniteDifferences() throws {
    let model = try tinyRandomModel()
    let grads = ParameterStore(layout: model.parameters.layout)
    _ = try model.gradients(tokens, logits: .all, parameterGradients: grads, objective: Objectives.crossEntropy(targets: targets))
    var generator = SplitMix64(seed: 3)
    var checked = 0
    for entry in model.parameters.layout.entries {
      for _ in 0..<3 {
        let index = Int(generator.next() % UInt64(entry.count))
        let analytic = (grads.pointer(entry.name) + index).pointee
        let numeric = try numericGradient(model, entry.name, index: index)
        XCTAssertEqual(analytic, numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(entry.name)[\(index)]")
        checked += 1
      }
    }
    XCTAssertEqual(checked, 3 * model.parameters.layout.entries.count)
  }

  /// ∂loss/∂activation at a hook site, checked by nudging that activation with a hook.
  func testActivationGradientsMatchFiniteDifferences() throws {
    let model = try tinyRandomModel()
    let sites: [HookSite] = [.block(0, .residPre), .block(0, .ln1Normalized), .block(0, .q), .block(1, .k), .block(1, .v),
                             .block(0, .attnScores), .block(1, .pattern), .block(0, .z), .block(1, .result),
                             .block(0, .mlpPre), .block(1, .mlpPost), .block(1, .residMid), .block(0, .ln2Scale),
                             HookSite(.finalNormalized), HookSite(.finalScale), HookSite(.embed),
                             // Per-head inputs and hook_mlp_in: recorded from an unhooked pass, nudged through the per-head path.
                             .block(0, .qInput), .block(1, .kInput), .block(1, .vInput), .block(1, .attnIn), .block(0, .mlpIn), .block(1, .mlpIn)]
    let result = try model.gradients(tokens, logits: .all, sites: Set(sites), objective: Objectives.crossEntropy(targets: targets))
    var generator = SplitMix64(seed: 5)
    for site in sites {
      guard let gradient = result.activationGradients[site] else { XCTFail("no gradient at \(site)"); continue }
      for _ in 0..<3 {
        var index = Int(generator.next() % UInt64(gradient.count))
        if site.point == .attnScores || site.point == .pattern {
          // Pick a causal (unmasked) entry: key <= query.
          let T = 5
          let q = (index / T) % T, k = index % T
          if k > q { index -= (k - q) }
        }
        let nudgedIndex = index
        func nudged(_ delta: Float) throws -> Double {
          let hook = Hook(site) { t, _ in t.values[nudgedIndex] += delta }
          return try model.withHooks([hook]) { try loss(model) }
        }
        let epsilon: Float = 1e-2
        let numeric = Float((try nudged(epsilon) - nudged(-epsilon)) / Double(2 * epsilon))
        XCTAssertEqual(gradient.values[index], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(site)[\(index)]")
      }
    }
  }

  func testHeadGateGradientsMatchFiniteDifferences() throws {
    let model = try tinyRandomModel()
    var gates = Tensor(shape: [2, 2], values: [1, 0.5, 0.8, 1.2])
    let objective = Objectives.logitDifference(correct: [4, 6], wrong: [9, 2])
    let result = try model.withHeadGates(gates) { try model.gradients(tokens, objective: objective) }
    let analytic = try XCTUnwrap(result.headGateGradient)
    for i in 0..<4 {
      let original = gates.values[i]
      gates.values[i] = original + 1e-2
      let plus = try model.withHeadGates(gates) { try objective(model.forward(tokens)).value }
      gates.values[i] = original - 1e-2
      let minus = try model.withHeadGates(gates) { try objective(model.forward(tokens)).value }
      gates.values[i] = original
      let numeric = (plus - minus) / 2e-2
      XCTAssertEqual(analytic.values[i], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "gate \(i)")
    }
    // Gates of one leave the forward pass unchanged; a zero gate removes the head.
    let ones = try model.withHeadGates(Tensor(shape: [2, 2], repeating: 1)) { try model.forward(tokens) }
    XCTAssertEqual(ones, try model.forward(tokens))
  }

  func testLogitsAtSomePositionsBackpropagateOnlyFromThere() throws {
    let model = try tinyRandomModel()
    let result = try model.gradients(tokens, logits: .positions([2]), sites: [.block(1, .residPost)],
                                     objective: Objectives.logProbability(of: [3, 4]))
    let g = try XCTUnwrap(result.activationGradients[.block(1, .residPost)])
    let C = model.config.modelDim
    for b in 0..<2 {
      for t in 0..<5 {
        let norm = (0..<C).reduce(Float(0)) { $0 + abs(g[b, t, $1]) }
        if t == 2 { XCTAssertGreaterThan(norm, 0) } else { XCTAssertEqual(norm, 0, "position \(t)") }
      }
    }
  }
}
