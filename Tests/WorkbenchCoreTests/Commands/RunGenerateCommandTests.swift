import CircuitAnalysis
import Foundation
import TransformerEngine
import WorkbenchCore
import XCTest

/// `run` and `generate` against TransformerLens and Hugging Face transformers
/// (Resources/workbench-reference.json), under zero-ablated heads and without.
final class RunGenerateCommandTests: XCTestCase {
  /// `run` with heads 2.0 and 2.1 ablated by `ablate` gives TransformerLens's logit difference
  /// (hook_z zeroed) and top-5 logits within 1e-4; after `unablate all` the metric is the clean one.
  func testRunUnderZeroAblationMatchesTransformerLens() throws {
    let reference = try WorkbenchReference.load()
    let tolerance = reference.tolerance
    let outputs = try runScript(reference.setup + """
      ablate \(reference.run.ablated_heads.joined(separator: ","))
      run top=5
      unablate all
      run top=5
      """, on: Workbench())
    let ablatedRun = try XCTUnwrap(outputs.filter { $0.0.name.text == "run" }.first)
    guard case .results(let results) = ablatedRun.1 else { return XCTFail("run gave no results") }
    XCTAssertEqual(results.map(\.kind), ["forward.topk", "forward.topk_logits", "forward.metric"])
    let (topk, logits, metric) = (results[0], results[1], results[2])
    XCTAssertEqual(topk.params["tokens"], .integers(reference.tokens))
    XCTAssertEqual(topk.params["top_ids"], .integers(reference.run.top_ids))
    XCTAssertEqual(topk.values.cells.count, 5)
    for (k, (logit, probability)) in zip(reference.run.top_logits, reference.run.top_probabilities).enumerated() {
      XCTAssertEqual(try XCTUnwrap(logits.values[k, 0].number), logit, accuracy: tolerance, "logit of rank \(k)")
      XCTAssertEqual(try XCTUnwrap(logits.values[k, 1].number), probability, accuracy: tolerance, "probability of rank \(k)")
    }
    XCTAssertEqual(try XCTUnwrap(metric.values.cells[0].number), reference.run.logit_diff_ablated, accuracy: tolerance, "ablated logit difference")
    XCTAssertEqual(try XCTUnwrap(metric.metric?.clean), reference.run.logit_diff_clean, accuracy: tolerance, "the unablated baseline")
    XCTAssertEqual(metric.params["interventions"]?.arrayValue?.compactMap { $0["head"]?.stringValue }, reference.run.ablated_heads)
    XCTAssertEqual(metric.params["answer_id"]?.intValue, reference.run.answer_id)

    let plain = try lastResults(outputs, of: "run")
    XCTAssertEqual(try XCTUnwrap(plain[2].values.cells[0].number), reference.run.logit_diff_clean, accuracy: tolerance)
    XCTAssertEqual(plain[2].params["interventions"], .array([]))
  }

  /// `generate 8` is Hugging Face's greedy `generate` (and the engine's `Generation.greedy`);
  /// with head 2.1 ablated it is TransformerLens's greedy loop under a hook_z zeroing hook.
  func testGenerateMatchesHuggingFaceAndTransformerLens() throws {
    let reference = try WorkbenchReference.load()
    let workbench = Workbench()
    let n = reference.generate.count
    let outputs = try runScript(reference.setup + """
      generate \(n) top=3
      ablate \(reference.generate.ablated_heads.joined(separator: ","))
      generate \(n)
      """, on: workbench)
    let runs = outputs.filter { $0.0.name.text == "generate" }
    guard case .results(let plain) = runs[0].1, case .results(let ablated) = runs[1].1 else { return XCTFail("generate gave no results") }
    XCTAssertEqual(plain.map(\.kind), ["generate.greedy", "generate.logits"])
    XCTAssertEqual(plain[0].params["generated_ids"], .integers(reference.generate.hf_greedy_ids), "Hugging Face greedy generate")
    XCTAssertEqual(plain[0].shape, [n, 3])
    let model = try XCTUnwrap(workbench.model)
    XCTAssertEqual(try Generation.greedy(model.subject.model, prompt: reference.tokens, count: n), reference.generate.hf_greedy_ids)
    XCTAssertEqual(plain[0].values[0, 0], .token(model.subject.tokenText(reference.generate.hf_greedy_ids[0])))
    // Rank 0 is the arg-max: its logit is the largest of the step's three.
    for step in 0..<n {
      let values = (0..<3).map { plain[1].values[step, $0].number! }
      XCTAssertEqual(values, values.sorted(by: >), "step \(step)")
    }
    XCTAssertEqual(ablated[0].params["generated_ids"], .integers(reference.generate.tl_ablated_ids), "TransformerLens greedy with 2.1 zeroed")
    XCTAssertEqual(ablated[0].params["text"]?.stringValue, model.tokenizer.decode(reference.generate.tl_ablated_ids))
    XCTAssertEqual(ablated[0].shape, [n, 1])
  }

  /// The workbench's mean-ablation intervention writes the same z as `ablate`'s mean ablation
  /// (HeadAblation, checked against TransformerLens in CircuitAnalysisTests): `run`'s metric under
  /// it equals `ablate`'s value.
  func testMeanAblationInterventionAgreesWithAblate() throws {
    let reference = try WorkbenchReference.load()
    let outputs = try runScript(reference.setup + """
      ablate 2.0,1.3 mode=mean reference=ioi count=40 seed=3
      run
      """, on: Workbench())
    let ablated = try lastResults(outputs, of: "ablate")[0]
    let run = try lastResults(outputs, of: "run")[2]
    let value = try XCTUnwrap(run.values.cells[0].number)
    XCTAssertEqual(value, try XCTUnwrap(ablated.values.cells[0].number), accuracy: 1e-4)
    XCTAssertGreaterThan(abs(value - reference.run.logit_diff_clean), 0.01, "the mean ablation changes the metric")
    XCTAssertEqual(run.params["interventions"]?.arrayValue?.first?["reference"]?.stringValue, "ioi")
    XCTAssertEqual(run.params["interventions"]?.arrayValue?.first?["count"]?.intValue, 40)
  }
}
