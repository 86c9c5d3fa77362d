import CircuitAnalysis
import Foundation
import WorkbenchCore
import WorkbenchTUI
import XCTest

/// The main screen and each panel, drawn in memory from real workbench states on the embedded
/// default model, compared with committed snapshots (text and, for one screen, style roles).
final class ScreenSnapshotTests: XCTestCase {
  static let ioiSteps = [
    "model default",
    #"prompt "When Mary and John went to the store, John gave a drink to""#,
    #"answer " Mary" " John""#,
    #"pair clean="When Mary and John went to the store, John gave a drink to" corrupted="When Mary and John went to the store, Mary gave a drink to""#,
    "patch attn_head_out_all_pos normalise=yes",
    "select 2.0",
  ]

  func workbench(_ lines: [String]) throws -> Workbench {
    let w = Workbench()
    for line in lines { _ = try w.execute(line: line) }
    return w
  }

  func testMainScreenAt80x24And160x50() throws {
    let w = try workbench(Self.ioiSteps)
    assertSnapshot(try ScreenCapture.render(w, columns: 80, rows: 24).text, named: "main-80x24")
    assertSnapshot(try ScreenCapture.render(w, columns: 160, rows: 50).text, named: "main-160x50")
    assertSnapshot(try ScreenCapture.render(w, columns: 80, rows: 24).roleText, named: "main-80x24-roles")
  }

  func testIOISessionScreen() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sessions/ioi.session.json").standardized
    let session = try SessionFile.read(url)
    let w = Workbench()
    _ = try SessionReplay.run(session, check: false, on: w)
    assertSnapshot(try ScreenCapture.render(w, columns: 80, rows: 24).text, named: "ioi-session-80x24")
    assertSnapshot(try ScreenCapture.render(w, columns: 160, rows: 50).text, named: "ioi-session-160x50")
  }

  func testMonochromeDrawsGlyphsAndValuesAndDiff() throws {
    let w = try workbench(Self.ioiSteps + ["detect induction", "select 2.0 token=12 source=3"])
    assertSnapshot(try ScreenCapture.render(w, columns: 80, rows: 24, monochrome: true).text, named: "mono-80x24")
    _ = try w.execute(line: "view values=yes focus=attention")
    assertSnapshot(try ScreenCapture.render(w, columns: 100, rows: 30).text, named: "values-100x30")
    // Before and after ablating head 0.0, side by side, for head 2.0 which reads its output.
    _ = try w.execute(line: "ablate 0.0")
    _ = try w.execute(line: "view values=no diff=yes")
    let diff = try ScreenCapture.render(w, columns: 120, rows: 30).text
    XCTAssertTrue(diff.contains("before │ after interventions"), diff)
    assertSnapshot(diff, named: "diff-120x30")
  }

  func testTooSmallScreen() throws {
    let w = try workbench(["model default"])
    let text = try ScreenCapture.render(w, columns: 60, rows: 20).text
    XCTAssertTrue(text.contains("terminal too small: 60x20"), text)
    assertSnapshot(text, named: "too-small-60x20")
  }

  func testEmptyWorkbenchBeforeAPrompt() throws {
    let w = try workbench(["model default"])
    assertSnapshot(try ScreenCapture.render(w, columns: 80, rows: 24).text, named: "no-prompt-80x24")
  }
}

/// Every panel alone, from one IOI state, plus the states that change what a panel shows
/// (a running job's progress, the command line, the quit question).
final class PanelSnapshotTests: XCTestCase {
  func testEveryPanel() throws {
    let w = Workbench()
    for line in ScreenSnapshotTests.ioiSteps + ["dla"] { _ = try w.execute(line: line) }
    var state = try ScreenCapture.state(of: w, columns: 80, rows: 24)
    // Timings differ from run to run; the result screen shows them.
    for i in state.results.indices { state.results[i].elapsedMs = 0 }
    let sizes: [Panel: (Int, Int)] = [
      .status: (80, 1), .tokens: (80, 1), .grid: (36, 9), .attention: (50, 22), .topK: (26, 7), .lens: (22, 7),
      .log: (60, 8), .commandLine: (80, 1), .help: (100, 45), .result: (90, 24),
    ]
    for panel in Panel.allCases {
      let (c, r) = sizes[panel]!
      assertSnapshot(ScreenRenderer.render(panel, state, columns: c, rows: r).text, named: "panel-\(panel.rawValue)")
    }
    state.job = AppState.Job(command: "patch resid_pre normalise=yes", done: 9, total: 20, started: Date(timeIntervalSince1970: -3))
    state.queued = 1
    assertSnapshot(ScreenRenderer.render(.status, state, columns: 120, rows: 1).text, named: "panel-status-progress")
    state.mode = .command(LineEditor("patch attn_head_out_all_pos noi"))
    assertSnapshot(ScreenRenderer.render(.commandLine, state, columns: 80, rows: 1).text, named: "panel-commandLine-editing")
    state.mode = .confirmQuit
    assertSnapshot(ScreenRenderer.render(.commandLine, state, columns: 80, rows: 1).text, named: "panel-commandLine-quit")
  }
}

/// A circuit opened from the log shows as a text graph with the selected node's evidence.
final class CircuitScreenSnapshotTests: XCTestCase {
  static func circuitResult() -> AnalysisResult {
    let full = CircuitGraph.full(layers: 4, heads: 4, method: "eap")
    let kept = [
      CircuitEdge(.head(layer: 3, head: 0), .logits, score: 2.5), CircuitEdge(.head(layer: 3, head: 2), .logits, score: -0.75),
      CircuitEdge(.head(layer: 2, head: 1), .head(layer: 3, head: 0), score: 1.25), CircuitEdge(.embed, .head(layer: 2, head: 1), score: 0.5),
      CircuitEdge(.mlp(layer: 0), .head(layer: 3, head: 0), score: 0.125),
    ]
    var result = AnalysisResult(kind: "trace.eap", metric: MetricSummary(name: "logit_diff", clean: 3.5, corrupted: 0.25), axes: [], values: .scalar(0.8125),
                                params: ["head_classes": ["3.0": "name mover", "2.1": "s-inhibition", "3.2": "negative name mover"]],
                                model: ModelIdentity(name: "default", sha256: "x"))
    result.graph = full.keeping(kept).json
    return result
  }

  func testGraphViewAndSelection() throws {
    let w = Workbench()
    _ = try w.execute(line: "model default")
    var state = try ScreenCapture.state(of: w, columns: 100, rows: 24)
    state.results.append(Self.circuitResult())
    let index = state.results.count - 1
    state.mode = .result(index: index, scroll: 1)
    let text = ScreenRenderer.render(state).text
    XCTAssert(text.contains("a3.0 [name mover]") && text.contains("faithfulness 0.812"), text)
    assertSnapshot(text, named: "circuit-100x24")
    // The first selectable node is the logits, which write nowhere; the second, a3.0, reads from
    // a2.1 and m0 and writes to the logits.
    XCTAssert(text.contains("reads from (2):") && text.contains("writes to (1):"), text)
    state.mode = .result(index: index, scroll: 0)
    let logits = ScreenRenderer.render(state).text
    XCTAssert(logits.contains("reads from (2):") && !logits.contains("writes to"), logits)
  }
}
