import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// `GradientClipping` + `AdamW` on their own against `torch.nn.utils.clip_grad_norm_` +
/// `torch.optim.AdamW`, from `scripts/make_optimizer_fixtures.py`: the parameters of a small
/// GPT-2 and three steps of given gradients (1e-10 ... 10, zeros, sign changes; steps 1 and 2
/// clipped, step 3 not; a different learning rate each step). Every element of every parameter
/// is compared after every step; the fixture's skip list is empty (the gradients are given, so
/// no update depends on rounding noise in a backward pass).
/// Tolerance: |ours - torch| <= 2e-7 + 4e-7·|torch| (a few float32 roundings; measured: see
/// `AdamWReferenceTests.tolerance`), gradient norm within 1e-6 relative.
final class AdamWReferenceTests: XCTestCase {
  static func tolerance(_ expected: Float) -> Float { 2e-7 + 4e-7 * abs(expected) }

  struct StepsFile: Decodable {
    struct Config: Decodable { let n_layer, n_head, n_embd, n_positions, vocab_size: Int }
    struct Hyperparameters: Decodable {
      struct Group: Decodable { let weight_decay: Float; let rule: String; let params: [String] }
      let lrs: [Float]
      let betas: [Float]
      let eps: Float
      let max_grad_norm: Float
      let param_groups: [Group]
    }
    struct Step: Decodable { let step: Int; let clipped: Bool }
    let config: Config
    let hyperparameters: Hyperparameters
    let skip: [String]
    let steps: [Step]
  }

  func testEveryParameterAfterEachStepMatchesTorch() throws {
    let resources = Fixtures.resources(in: .module)
    let reference = try JSONDecoder().decode(
      StepsFile.self, from: Data(contentsOf: resources.appendingPathComponent("references/adamw-steps.json")))
    let values = try SafetensorsFile(url: resources.appendingPathComponent("references/adamw-steps.safetensors"))
    XCTAssertEqual(reference.skip, [], "the skip list must stay empty")
    XCTAssertEqual(reference.steps.map(\.clipped), [true, true, false])
    let c = reference.config
    let config = ModelConfig(layers: c.n_layer, heads: c.n_head, modelDim: c.n_embd, contextLength: c.n_positions, vocabularySize: c.vocab_size)
    let layout = ParameterLayout(config: config)
    let map = WeightMap.gpt2(config: config, prefix: "transformer.")
    let h = reference.hyperparameters
    // The torch groups are AdamW's rule: decay on rank-2 tensors only.
    XCTAssertEqual(Set(h.param_groups.flatMap(\.params)), Set(map.required.keys))
    XCTAssertEqual(h.param_groups.map(\.rule), ["dim >= 2", "dim < 2 (biases, LayerNorm weights and biases)"])
    XCTAssertEqual(h.param_groups[1].weight_decay, 0)
    for name in h.param_groups[0].params { XCTAssertEqual(layout.entry(map.required[name]!)!.shape.count, 2, name) }

    var settings = AdamW.Settings()
    settings.beta1 = h.betas[0]
    settings.beta2 = h.betas[1]
    settings.epsilon = h.eps
    settings.weightDecay = h.param_groups[0].weight_decay
    let parameters = ParameterStore(layout: layout), gradients = ParameterStore(layout: layout)
    for (name, parameter) in map.required { parameters.set(parameter, try values.tensor("initial/param/\(name)")) }
    let optimizer = AdamW(layout: layout, settings: settings)
    var compared = 0
    for (s, lr) in zip(1...3, h.lrs) {
      for (name, parameter) in map.required { gradients.set(parameter, try values.tensor("step\(s)/grad/\(name)")) }
      let norm = GradientClipping.clip(gradients, maxNorm: h.max_grad_norm)
      let torchNorm = try values.tensor("step\(s)/grad_norm").values[0]
      XCTAssertEqual(norm, torchNorm, accuracy: 1e-6 * torchNorm, "step \(s) gradient norm")
      optimizer.update(parameters, gradients: gradients, learningRate: lr)
      for (name, parameter) in map.required.sorted(by: { $0.key < $1.key }) {
        let ours = parameters.tensor(parameter), torch = try values.tensor("step\(s)/param/\(name)")
        XCTAssertEqual(ours.shape, torch.shape, name)
        compared += ours.count
        for i in ours.values.indices where !(abs(ours.values[i] - torch.values[i]) <= Self.tolerance(torch.values[i])) {
          XCTFail("step \(s) \(name)[\(i)]: \(ours.values[i]) vs torch \(torch.values[i])")
          break
        }
      }
    }
    XCTAssertEqual(compared, 3 * layout.totalCount)
  }
}
