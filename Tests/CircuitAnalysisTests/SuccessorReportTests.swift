import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// The successor-head report's mechanics on models/tiny-f32 with a planted successor head (head
/// 1.2's OV circuit maps each token of a 7-cycle to the next, as in `PlantedOVHeadTests`): the
/// report must name it, and its ablation numbers must equal the same ablations computed another
/// way (head gates on the engine's forward pass, top-1 and logit difference read off the logits).
final class SuccessorReportTests: XCTestCase {
  let cycle = [40, 41, 42, 43, 44, 45, 46]

  /// Prompts [BOS, c_s, c_s+1, c_s+2] -> c_s+3 (wrong: c_s+2), corrupted one item back.
  func inputs(_ subject: AnalysisSubject) throws -> SuccessorReportInputs {
    let c = { (i: Int) in self.cycle[(i + 7) % 7] }
    let clean = (0..<7).map { s in [0, c(s), c(s + 1), c(s + 2)] }
    let corrupted = (0..<7).map { s in [0, c(s - 1), c(s), c(s + 1)] }
    let prompts = try PromptPairBatch(clean: clean, corrupted: corrupted, answers: (0..<7).map { c($0 + 3) }, wrongs: (0..<7).map { c($0 + 2) },
                                      templates: Array(repeating: "cycle.3", count: 7), tokenText: subject.tokenText)
    let reference = try AblationReference(tokens: corrupted, templates: prompts.templates, name: "cycle corrupted prompts")
    let numeric = NumericTokens(tokens: (1...60).map { NumericTokens.Token(id: 99 + $0, index: $0, list: "digits") })
    return SuccessorReportInputs(tasks: [SuccessorTask(name: "cycle", tokens: cycle + [cycle[0]])], prompts: prompts, reference: reference,
                                 numeric: numeric, promptParams: "seven cycle windows")
  }

  var settings: SuccessorReportSettings {
    var s = SuccessorReportSettings()
    s.shuffles = 4
    return s
  }

  func testPlantedSuccessorHeadIsTheBestHead() throws {
    let subject = try TinySubject.load()
    let before = try SuccessorReport.run(subject: subject, inputs: try inputs(subject), settings: settings)
    try PlantedOVHeadTests.plant(subject.model, set: cycle, target: { ($0 + 1) % 7 })
    let results = try SuccessorReport.run(subject: subject, inputs: try inputs(subject), settings: settings)
    XCTAssertEqual(results.map(\.kind), ["successor.report", "successor.report.scores", "successor.report.scores.per_task", "successor.report.ablation", "successor.report.mod10"])
    for r in results { XCTAssertNoThrow(try r.validate(), r.kind) }
    XCTAssertEqual(results[1].values[1, 2].number, 1, "the planted head succeeds on every pair")
    XCTAssertEqual(results[1].params["best_head"], "1.2")
    XCTAssertEqual(results[0].values[0], .token("1.2"))
    XCTAssertEqual(results[0].values[1].number, 1)
    XCTAssertEqual(results[2].values[0, 1, 2].number, 1, "per task")
    XCTAssertNotEqual(before[1].params["best_head"], "1.2", "unplanted, head 1.2 is not the best: the test does not pass by accident")
    print(ResultText.render(results[0]))
  }

  /// Full and zero-ablated top-1 accuracy and logit difference from head gates on the engine's
  /// forward pass; mean ablation from `HeadAblation` on the same reference.
  func testAblationNumbersEqualGatedForwardPasses() throws {
    let subject = try TinySubject.load()
    try PlantedOVHeadTests.plant(subject.model, set: cycle, target: { ($0 + 1) % 7 })
    let inputs = try inputs(subject)
    let results = try SuccessorReport.run(subject: subject, inputs: inputs, settings: settings)
    let ablation = results[3]
    XCTAssertEqual(ablation.axes.map(\.labels), [["top1_accuracy", "logit_diff"], ["full", "zero", "mean"]])
    func measured(gateOff head: HeadIndex?) throws -> (accuracy: Double, logitDifference: Double) {
      var gates = Tensor(shape: [2, 4], values: Array(repeating: 1, count: 8))
      if let head { gates.values[head.layer * 4 + head.head] = 0 }
      let logits = try subject.model.withHeadGates(gates) { try subject.model.forward(PaddedBatch(inputs.prompts.clean), logits: .last) }  // [7, 1, V]
      let V = logits.shape[2]
      var hits = 0.0, difference = 0.0
      for b in 0..<7 {
        let row = Array(logits.values[(b * V)..<((b + 1) * V)])
        if row.indices.max(by: { row[$0] < row[$1] }) == inputs.prompts.answers[b] { hits += 1 }
        difference += Double(row[inputs.prompts.answers[b]] - row[inputs.prompts.wrongs[b]])
      }
      return (hits / 7, difference / 7)
    }
    let full = try measured(gateOff: nil), zero = try measured(gateOff: HeadIndex(1, 2))
    XCTAssertEqual(try XCTUnwrap(ablation.values[0, 0].number), full.accuracy, accuracy: 1e-12)
    XCTAssertEqual(try XCTUnwrap(ablation.values[0, 1].number), zero.accuracy, accuracy: 1e-12)
    XCTAssertEqual(try XCTUnwrap(ablation.values[1, 0].number), full.logitDifference, accuracy: 1e-4)
    XCTAssertEqual(try XCTUnwrap(ablation.values[1, 1].number), zero.logitDifference, accuracy: 1e-4)
    XCTAssertNotEqual(full.logitDifference, zero.logitDifference, accuracy: 1e-3, "the planted head matters on these prompts")
    let mean = try HeadAblation.heads([HeadIndex(1, 2)], subject: subject, groups: [inputs.prompts], mode: .mean(inputs.reference))
    XCTAssertEqual(try XCTUnwrap(ablation.values[1, 2].number), try XCTUnwrap(mean.values[].number), accuracy: 1e-5)
  }

  /// The report's mod-10 numbers are `ModTenProbe` on E' of the numeric tokens, and progress
  /// counts tasks, ablations and probe fits; cancelling stops the report.
  func testModTenNumbersProgressAndCancellation() throws {
    let subject = try TinySubject.load()
    let inputs = try inputs(subject)
    final class Seen: @unchecked Sendable { var last = (0, 0) }
    let seen = Seen()
    let results = try SuccessorReport.run(subject: subject, inputs: inputs, settings: settings, progress: AnalysisProgress { seen.last = ($0, $1) })
    XCTAssertEqual(seen.last.0, 1 + 4 + 1 + settings.shuffles)
    XCTAssertEqual(seen.last.1, seen.last.0)
    let features = try EffectiveEmbedding.compute(subject.model, tokens: inputs.numeric.tokens.map(\.id)).values.map(Double.init)
    let probe = ModTenProbe(features: features, C: 32, indices: Array(1...60), alpha: settings.ridgeAlpha)
    let mod10 = results[4]
    XCTAssertEqual(mod10.values[0, 0].number, ModTenProbe.accuracy(try probe.heldOut(labels: probe.labels).predictions, probe.labels))
    XCTAssertEqual(mod10.values[0, 1].number, try probe.trainingAccuracy(labels: probe.labels))
    let shuffles = ModTenProbe.shuffles(of: probe.labels, count: settings.shuffles, seed: settings.seed)
    let shuffled = try shuffles.map { ModTenProbe.accuracy(try probe.heldOut(labels: $0).predictions, $0) }
    XCTAssertEqual(try XCTUnwrap(mod10.values[1, 0].number), shuffled.reduce(0, +) / Double(shuffled.count), accuracy: 1e-12)
    XCTAssertEqual(mod10.params["tokens"], .integer(60))

    let cancelling = AnalysisProgress()
    cancelling.cancel()
    XCTAssertThrowsError(try SuccessorReport.run(subject: subject, inputs: inputs, settings: settings, progress: cancelling)) { error in
      guard case AnalysisError.cancelled = error else { return XCTFail("\(error)") }
    }
  }
}
