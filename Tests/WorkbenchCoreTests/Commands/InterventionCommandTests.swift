import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// `ablate HEADS` leaves heads ablated; `unablate` and `interventions` manage them; lens and dla
/// apply them; the session file keeps them and replaying rebuilds them.
final class InterventionCommandTests: XCTestCase {
  func ablated(_ workbench: Workbench) -> [String] { workbench.interventions.ablations.map { "\($0.layer).\($0.head) \($0.mode)" } }

  func testAblateAddsUnablateRemoves() throws {
    let reference = try WorkbenchReference.load()
    let workbench = Workbench()
    _ = try runScript(reference.setup + "ablate each\n", on: workbench)
    XCTAssertEqual(ablated(workbench), [], "ablate each is a sweep and leaves no heads ablated")
    _ = try runScript("ablate 2.1,2.0\nablate 0.3 mode=mean reference=ioi count=40\n", on: workbench)
    XCTAssertEqual(ablated(workbench), ["0.3 mean", "2.0 zero", "2.1 zero"])
    XCTAssertEqual(workbench.interventions.ablations[0], SessionAblation(layer: 0, head: 3, mode: "mean", reference: "ioi", seed: 0, count: 40))
    _ = try runScript("ablate 0.3\n", on: workbench)
    XCTAssertEqual(ablated(workbench), ["0.3 zero", "2.0 zero", "2.1 zero"], "ablating a head again replaces its mode")
    let listed = try workbench.execute(line: "interventions")
    guard case .message(let text) = listed else { return XCTFail("interventions gave results") }
    XCTAssertTrue(text.contains("2.0 zero") && text.contains("0.3 zero"), text)
    _ = try runScript("unablate 2.*\n", on: workbench)
    XCTAssertEqual(ablated(workbench), ["0.3 zero"])
    XCTAssertThrowsError(try workbench.execute(line: "unablate 1.1", lineNumber: 4)) { error in
      XCTAssertTrue("\(error)".contains("matches no ablated head (ablated: 0.3 zero)"), "\(error)")
      XCTAssertEqual((error as? CommandParseError)?.column, 10)
    }
    _ = try runScript("unablate all\n", on: workbench)
    XCTAssertEqual(ablated(workbench), [])
    guard case .message(let none) = try workbench.execute(line: "interventions") else { return XCTFail() }
    XCTAssertEqual(none, "no interventions active")
    _ = try runScript("ablate 1.1\nmodel default\n", on: workbench)
    XCTAssertEqual(ablated(workbench), [], "loading a model clears the interventions")
  }

  /// dla and lens run under the interventions: a zero-ablated head's direct attribution is
  /// exactly 0, the logit difference is TransformerLens's ablated one, and the lens's final
  /// top-k are `run`'s.
  func testLensAndDLAApplyTheInterventions() throws {
    let reference = try WorkbenchReference.load()
    let outputs = try runScript(reference.setup + """
      dla
      ablate \(reference.run.ablated_heads.joined(separator: ","))
      dla
      lens top=5
      """, on: Workbench())
    let dlas = outputs.filter { $0.0.name.text == "dla" }
    guard case .results(let before) = dlas[0].1, case .results(let after) = dlas[1].1 else { return XCTFail("dla gave no results") }
    XCTAssertNotEqual(before[1].values[2, 0].number, 0, "head 2.0 writes to the logit difference unablated")
    XCTAssertEqual(after[1].values[2, 0].number, 0)
    XCTAssertEqual(after[1].values[2, 1].number, 0)
    XCTAssertEqual(try XCTUnwrap(after[0].metric?.clean), reference.run.logit_diff_ablated, accuracy: reference.tolerance)
    XCTAssertEqual(try XCTUnwrap(before[0].metric?.clean), reference.run.logit_diff_clean, accuracy: reference.tolerance)
    XCTAssertEqual(after[0].params["interventions"]?.arrayValue?.count, 2)
    XCTAssertEqual(before[0].params["interventions"], .array([]))
    let lens = try lastResults(outputs, of: "lens")
    let probabilities = try XCTUnwrap(lens.first { $0.kind == "lens.topk_prob" })
    for (k, p) in reference.run.top_probabilities.enumerated() {
      XCTAssertEqual(try XCTUnwrap(probabilities.values[4, k].number), p, accuracy: reference.tolerance, "final_post rank \(k)")
    }
  }

  /// A session saved after the new commands replays with --check; its `interventions` field holds
  /// the active ones, and a stored value that differs fails the check naming it.
  func testNewCommandsReplayWithCheck() throws {
    let reference = try WorkbenchReference.load()
    let directory = try temporaryDirectory("interventions")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("s.session.json")
    _ = try runScript(reference.setup + """
      ablate 2.0,2.1
      run top=3
      generate 4 top=2
      ablate 1.* mode=mean reference=ioi count=40
      unablate 1.0,1.1
      interventions
      lens top=2
      cache \(directory.appendingPathComponent("c.safetensors").path) sites=blocks.2.attn.hook_z
      save \(file.path)
      """, on: Workbench())
    let session = try SessionFile.read(file)
    XCTAssertEqual(session.history.map(\.name), ["model", "prompt", "answer", "ablate", "run", "generate", "ablate", "unablate", "lens"],
                   "interventions, cache and save are not part of the history")
    XCTAssertEqual(session.interventions.ablations.map { "\($0.layer).\($0.head) \($0.mode)" }, ["1.2 mean", "1.3 mean", "2.0 zero", "2.1 zero"])
    XCTAssertEqual(try SessionReplay.run(session, check: true).map(\.description), [])

    var changed = session
    changed.history[5].results[1].values[2, 1] = .number(99)
    let text = try SessionReplay.run(changed, check: true).map(\.description).joined(separator: "\n")
    XCTAssertTrue(text.contains("history[5] generate 4 top=2") && text.contains("[step=2 rank=1]: stored 99"), text)

    var otherState = session
    otherState.interventions.ablations.removeFirst()
    let state = try SessionReplay.run(otherState, check: true).map(\.description).joined(separator: "\n")
    XCTAssertTrue(state.contains("interventions") && state.contains("stored 1.3 mean"), state)
  }

  /// Parse and argument errors of the new commands give the column and the usage.
  func testArgumentErrorsOfTheNewCommands() throws {
    let reference = try WorkbenchReference.load()
    let workbench = Workbench()
    _ = try runScript(reference.setup, on: workbench)
    let cases: [(String, String, Int?)] = [
      ("run top=0", "out of range", 9),
      ("run 5", "takes 0 values", 5),
      ("run tpo=5", "did you mean 'top'", 5),
      ("generate", "takes 1 value", nil),
      ("generate many", "not an integer", 10),
      ("generate 0", "out of range", 10),
      ("generate 3 top=x", "not an integer", 16),
      ("unablate", "takes 1 value", nil),
      ("unablate 9.0", "layer 9", nil),
      ("unablate 2.0", "matches no ablated head", 10),
      ("interventions 2.0", "takes 0 values", 15),
      ("cache out.json", "cache writes a .safetensors file", 7),
      ("cache out.safetensors sites=blocks.*.attn.hook_patern", "did you mean 'blocks.0.attn.hook_pattern'", 29),
      ("cache", "takes 1 value", nil),
      ("open", "takes 1 value", nil),
      ("open s.json modle=x", "did you mean 'model'", 13),
    ]
    assertArgumentErrors(cases, on: workbench)
    let fresh = Workbench()
    XCTAssertThrowsError(try fresh.execute(line: "run")) { XCTAssertTrue("\($0)".contains("a prompt first"), "\($0)") }
    XCTAssertThrowsError(try fresh.execute(line: "generate 2")) { XCTAssertTrue("\($0)".contains("a prompt first"), "\($0)") }
    XCTAssertThrowsError(try fresh.execute(line: "cache x.safetensors")) { XCTAssertTrue("\($0)".contains("a prompt first"), "\($0)") }
  }
}
