import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Gradients and AdamW steps against PyTorch autograd (parameters, via Hugging Face
/// `GPT2LMHeadModel`) and TransformerLens backward hooks (activations), from
/// `scripts/make_gradient_fixtures.py`. Tolerance: |ours - torch| <= 1e-5 + 1e-4·|torch|.
final class TorchGradientParityTests: XCTestCase {
  let resources = Fixtures.resources(in: .module)

  struct GradientFile: Decodable {
    struct Case: Decodable {
      let name: String
      let objective: String
      let tokens: [[Int]]
      let targets: [[Int]]?
      let correct: [Int]?
      let wrong: [Int]?
      let position: Int?
      let tokens_at: [Int]?
      let gates: [[Float]]?
    }
    let cases: [Case]
    let hook_names: [String]
  }

  func assertGradientClose(_ actual: Tensor, _ expected: Tensor, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    guard actual.shape == expected.shape else {
      return XCTFail("\(label): shape \(actual.shape) vs \(expected.shape)", file: file, line: line)
    }
    for i in actual.values.indices {
      let a = actual.values[i], e = expected.values[i]
      if abs(a - e) > 1e-5 + 1e-4 * abs(e) {
        return XCTFail("\(label)[\(i)]: \(a) vs torch \(e)", file: file, line: line)
      }
    }
  }

  func loadTiny() throws -> TransformerModel {
    try ModelLoader.load(ModelDirectory(url: resources.appendingPathComponent("models/tiny-f32"))).0
  }

  func testParameterAndActivationGradientsMatchPyTorch() throws {
    let model = try loadTiny()
    let reference = try JSONDecoder().decode(GradientFile.self, from: Data(contentsOf: resources.appendingPathComponent("references/gradients-tiny-f32.json")))
    let values = try SafetensorsFile(url: resources.appendingPathComponent("references/gradients-tiny-f32.safetensors"))
    let map = WeightMap.gpt2(config: model.config, prefix: "transformer.")
    let sites = try Set(reference.hook_names.map { try HookSite(parsing: $0, layers: model.config.layers) })
    XCTAssertEqual(reference.cases.count, 4)
    for c in reference.cases {
      let objective: Objective
      var selection = LogitPositions.last
      switch c.objective {
      case "cross_entropy":
        objective = Objectives.crossEntropy(targets: c.targets!)
        selection = .all
      case "logit_difference", "logit_difference_gated":
        objective = Objectives.logitDifference(correct: c.correct!, wrong: c.wrong!)
      case "log_probability":
        objective = Objectives.logProbability(of: c.tokens_at!)
        selection = .positions([c.position!])
      default:
        XCTFail("unknown objective \(c.objective)")
        continue
      }
      let grads = ParameterStore(layout: model.parameters.layout)
      let run = { try model.gradients(c.tokens, logits: selection, sites: sites, parameterGradients: grads, objective: objective) }
      let result: GradientResult
      if let gates = c.gates {
        result = try model.withHeadGates(Tensor(shape: [gates.count, gates[0].count], values: gates.flatMap { $0 }), run)
        assertGradientClose(result.headGateGradient!, try values.tensor("\(c.name)/gate_grad"), "\(c.name) gates")
      } else {
        result = try run()
      }
      XCTAssertEqual(result.value, try values.tensor("\(c.name)/value").values[0], accuracy: 1e-4 * max(1, abs(result.value)), c.name)
      assertClose(result.logits, try values.tensor("\(c.name)/logits"), tolerance: 1e-4, "\(c.name) logits")
      for (name, parameter) in map.required {
        assertGradientClose(grads.tensor(parameter), try values.tensor("\(c.name)/param/\(name)"), "\(c.name) ∂/∂\(name)")
      }
      for name in reference.hook_names {
        // With gates, HeadLab's hook_z is the head's own output, before its gate.
        let key = c.gates != nil && name.hasSuffix("attn.hook_z") ? "\(c.name)/act_pre_gate/\(name)" : "\(c.name)/act/\(name)"
        guard let gradient = result.activationGradients[name] else { XCTFail("no gradient at \(name)"); continue }
        var expected = try values.tensor(key)
        if name == "unembed.hook_out" && gradient.shape != expected.shape {
          // HeadLab's logits exist only at the positions the objective reads; torch's are zero elsewhere.
          expected = try logitRows(expected, at: selection, checkingZerosElsewhere: true)
        }
        assertGradientClose(gradient, expected, "\(c.name) ∂/∂\(name)")
      }
    }
  }

  /// Rows of a [B,T,V] tensor at the selected positions, as [B,P,V]; fails if any other row is nonzero.
  func logitRows(_ full: Tensor, at selection: LogitPositions, checkingZerosElsewhere: Bool) throws -> Tensor {
    let (B, T, V) = (full.shape[0], full.shape[1], full.shape[2])
    let positions = try selection.resolve(T: T)
    var rows: [Float] = []
    for b in 0..<B {
      for t in 0..<T {
        let row = full.values[((b * T + t) * V)..<((b * T + t + 1) * V)]
        if positions.contains(t) { continue }
        XCTAssertTrue(row.allSatisfy { $0 == 0 }, "nonzero logit gradient at unread position \(t)")
      }
      for t in positions { rows += full.values[((b * T + t) * V)..<((b * T + t + 1) * V)] }
    }
    return Tensor(shape: [B, positions.count, V], values: rows)
  }

  struct AdamWFile: Decodable {
    struct Hyperparameters: Decodable {
      let lr: Float
      let betas: [Float]
      let eps: Float
      let max_grad_norm: Float
      struct Group: Decodable { let weight_decay: Float; let rule: String }
      /// Decay on rank-2 tensors, none on biases and LayerNorm (as `AdamW` does).
      let param_groups: [Group]
    }
    let tokens: [[Int]]
    let targets: [[Int]]
    let hyperparameters: Hyperparameters
  }

  /// Three steps of loss, clipping and AdamW from the fixture weights.
  func testAdamWStepsMatchPyTorch() throws {
    let model = try loadTiny()
    let reference = try JSONDecoder().decode(AdamWFile.self, from: Data(contentsOf: resources.appendingPathComponent("references/adamw-tiny-f32.json")))
    let values = try SafetensorsFile(url: resources.appendingPathComponent("references/adamw-tiny-f32.safetensors"))
    let h = reference.hyperparameters
    var settings = AdamW.Settings()
    settings.beta1 = h.betas[0]
    settings.beta2 = h.betas[1]
    settings.epsilon = h.eps
    XCTAssertEqual(h.param_groups.map(\.rule), ["dim >= 2", "dim < 2 (biases, LayerNorm weights and biases)"])
    XCTAssertEqual(h.param_groups[1].weight_decay, 0)
    settings.weightDecay = h.param_groups[0].weight_decay
    let optimizer = AdamW(layout: model.parameters.layout, settings: settings)
    let step = DataParallelStep(model: model, threads: 1)
    let map = WeightMap.gpt2(config: model.config, prefix: "transformer.")
    // Elements whose gradient so far is within a few ε of zero: AdamW's update there is
    // lr·g/(|g|+ε), which float noise of 1e-9 in g moves by O(lr), in PyTorch as here.
    var illConditioned: [ParameterName: Set<Int>] = [:]
    var compared = 0, total = 0
    for s in 1...3 {
      let loss = try step.run(inputs: reference.tokens, targets: reference.targets)
      let norm = GradientClipping.clip(step.gradients, maxNorm: h.max_grad_norm)
      for entry in model.parameters.layout.entries {
        let g = step.gradients.pointer(entry.name)
        for i in 0..<entry.count where g[i] != 0 && abs(g[i]) < 1e-6 { illConditioned[entry.name, default: []].insert(i) }
      }
      XCTAssertEqual(loss, try values.tensor("step\(s)/loss").values[0], accuracy: 1e-5 * max(1, abs(loss)), "step \(s) loss")
      XCTAssertEqual(norm, try values.tensor("step\(s)/grad_norm").values[0], accuracy: 1e-5 * max(1, norm), "step \(s) gradient norm")
      optimizer.update(model.parameters, gradients: step.gradients, learningRate: h.lr)
      guard s == 1 || s == 3 else { continue }
      for (name, parameter) in map.required {
        let ours = model.parameters.tensor(parameter), torch = try values.tensor("step\(s)/param/\(name)")
        // The key biases (c_attn.bias[C..<2C]) have an exactly-zero true gradient (a constant added to every key
        // leaves the softmax unchanged), so both sides update them from float noise near ε: not comparable.
        let C = model.config.modelDim
        let skip = (name.hasSuffix("attn.c_attn.bias") ? Set(C..<(2 * C)) : []).union(illConditioned[parameter] ?? [])
        compared += ours.count - skip.count
        total += ours.count
        let tolerance: Float = s == 1 ? 1e-5 : 1e-4
        for i in ours.values.indices where !skip.contains(i) {
          if abs(ours.values[i] - torch.values[i]) > tolerance {
            XCTFail("step \(s) \(name)[\(i)]: \(ours.values[i]) vs torch \(torch.values[i])")
            break
          }
        }
      }
    }
    XCTAssertGreaterThan(Double(compared), 0.5 * Double(total), "most parameters must be compared")
  }
}
