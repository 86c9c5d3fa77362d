import CircuitAnalysis
import Foundation
import WorkbenchCore
import WorkbenchTUI
import XCTest

/// The workbench driven by keys on an in-memory terminal, its commands run inline.
final class WorkbenchAppTests: XCTestCase {
  func makeApp(columns: Int = 100, rows: Int = 30, synchronous: Bool = true) -> (WorkbenchApp, Workbench) {
    let workbench = Workbench()
    let app = WorkbenchApp(workbench: workbench, columns: columns, rows: rows, theme: TestThemes.colour, synchronous: synchronous, loadTheme: TestThemes.load)
    app.start(commands: [
      "model default", #"prompt "When Mary and John went to the store, John gave a drink to""#, #"answer " Mary" " John""#,
    ])
    app.settle()
    return (app, workbench)
  }

  func keys(_ app: WorkbenchApp, _ keys: [Key]) {
    for key in keys {
      app.handle(.key(key))
      app.settle()
    }
  }

  func type(_ app: WorkbenchApp, _ text: String) { keys(app, text.map { .character($0) }) }

  func testArrowsAndHJKLMoveTheSelectedHeadThroughSelectCommands() {
    let (app, workbench) = makeApp()
    keys(app, [.down, .down, .character("l"), .right, .character("k")])
    XCTAssertEqual([app.state.view.layer, app.state.view.head], [1, 2])
    XCTAssertEqual([workbench.view.layer, workbench.view.head], [1, 2], "the keys send select commands to the executor")
    keys(app, Array(repeating: .down, count: 9))
    XCTAssertEqual(app.state.view.layer, 3, "the selection stops at the last layer")
    XCTAssertTrue(app.frame().text.contains("head 3.2"), app.frame().text)
  }

  func testTabCyclesPanelsAndAttentionKeysMoveTokens() {
    let (app, workbench) = makeApp()
    keys(app, [.tab])
    XCTAssertEqual(app.state.view.focus, "attention")
    keys(app, [.up, .up, .left])
    XCTAssertEqual(app.state.view.token, 12)
    XCTAssertEqual(app.state.view.source, 11)
    XCTAssertEqual(workbench.view.token, 12)
    keys(app, [.backTab, .backTab])
    XCTAssertEqual(app.state.view.focus, "log")
  }

  func testEditingThePromptReRunsTheModelAfterThePause() {
    let (app, workbench) = makeApp()
    let before = app.state.engine.live!.metric!
    keys(app, [.character("p"), .control("u")])
    let start = Date()
    // Typing at 5 characters a second: each character re-runs the model once the 30 ms pause
    // has passed, not before.
    for (i, c) in "When John and Mary went to the store, Mary gave a drink to".enumerated() {
      let t = start.addingTimeInterval(Double(i) * 0.2)
      app.handle(.key(.character(c)), now: t)
      app.pump(now: t.addingTimeInterval(0.01))
      guard case .prompt(let editor) = app.state.mode else { return XCTFail("left the prompt editor") }
      XCTAssertNotEqual(workbench.inputs.prompt, editor.string, "re-ran before the pause")
      app.pump(now: t.addingTimeInterval(WorkbenchApp.debounce + 0.001))
      app.settle()
      XCTAssertEqual(workbench.inputs.prompt, editor.string, "did not re-run after the pause")
    }
    XCTAssertEqual(app.state.engine.live!.tokenTexts.last, " to")
    XCTAssertNotEqual(app.state.engine.live!.metric!, before)
    XCTAssertLessThan(app.state.engine.live!.metric!, 0, "the answer ' Mary' is now the repeated name: the logit difference turns negative")
    keys(app, [.enter])
    XCTAssertEqual(app.state.mode, .normal)
    XCTAssertEqual(workbench.history.filter { $0.name == "prompt" }.count, 2, "the whole edit is one prompt record: \(workbench.history.map(\.command))")
  }

  func testEscapeRestoresThePromptBeforeEditing() {
    let (app, workbench) = makeApp()
    type(app, "p")
    type(app, " Mary")
    XCTAssertTrue(workbench.inputs.prompt!.hasSuffix("to Mary"))
    keys(app, [.escape])
    XCTAssertEqual(workbench.inputs.prompt, "When Mary and John went to the store, John gave a drink to")
  }

  func testAnInvalidCommandShowsItsParseErrorOnTheStatusLine() {
    let (app, workbench) = makeApp()
    let history = workbench.history.count
    type(app, ":")
    type(app, "patch resid_pre normalize=yes")
    keys(app, [.enter])
    XCTAssertTrue(app.state.messageIsError)
    XCTAssertTrue(app.state.message!.contains("normalise"), app.state.message!)
    XCTAssertTrue(app.frame().text.contains("normalize"), "the error is on screen")
    XCTAssertEqual(workbench.history.count, history, "nothing ran")
    type(app, ":")
    type(app, "frobnicate")
    keys(app, [.enter])
    XCTAssertTrue(app.state.message!.contains("unknown command"), app.state.message!)
  }

  func testAFailingAnalysisIsShownAndTheAppKeepsRunning() {
    let (app, _) = makeApp()
    type(app, "P")  // patching needs a pair
    XCTAssertTrue(app.state.messageIsError)
    XCTAssertTrue(app.state.message!.contains("pair"), app.state.message!)
    XCTAssertFalse(app.isFinished)
    type(app, "D")
    XCTAssertFalse(app.state.messageIsError)
    XCTAssertTrue(app.state.engine.gridResults.contains { $0.kind == "detect.induction" })
  }

  func testCommandLineCompletionAndHistory() {
    let (app, _) = makeApp()
    type(app, ":")
    type(app, "patc")  // "pat" is also the start of pathpatch
    keys(app, [.tab])
    type(app, "attn_head_out_a")
    keys(app, [.tab])
    guard case .command(let editor) = app.state.mode else { return XCTFail("not on the command line") }
    XCTAssertEqual(editor.string, "patch attn_head_out_all_pos ")
    keys(app, [.escape])
    type(app, ":")
    type(app, "detect induction")
    keys(app, [.enter])
    type(app, ":")
    keys(app, [.up])
    guard case .command(let recalled) = app.state.mode else { return XCTFail("not on the command line") }
    XCTAssertEqual(recalled.string, "detect induction")
  }

  func testGridCyclesThroughResultsAndClickSelectsAHead() {
    let (app, workbench) = makeApp()
    type(app, "D")
    let kinds = app.state.engine.gridResults.map(\.kind)
    XCTAssertGreaterThan(kinds.count, 2)
    type(app, "g")
    XCTAssertEqual(app.state.view.grid, kinds[0])
    XCTAssertEqual(workbench.view.grid, kinds[0])
    // A click on row "L2", the cell of head 3.
    let frame = app.frame().text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let row = frame.firstIndex { $0.contains("┃L2") || $0.contains("│L2") }!
    let headerRow = frame[row - 3]
    let column = Array(headerRow).firstIndex(of: "3")!
    app.handle(.click(column: column + 1, row: row))
    app.settle()
    XCTAssertEqual([app.state.view.layer, app.state.view.head], [2, 3])
  }

  /// W reads the selected head's OV circuit; K's composition grid shows the heads composing into
  /// the selected head, and follows the selection.
  func testWeightKeysShowTheSelectedHeadsCircuitAndCompositionInto() throws {
    let (app, workbench) = makeApp()
    keys(app, [.down, .down, .right])
    type(app, "W")
    let ov = try XCTUnwrap(workbench.lastResults.first)
    XCTAssertEqual(ov.kind, "weights.ov")
    XCTAssertEqual(ov.params["head"], "2.1")
    XCTAssertEqual(ov.axes[0].labels.count, Set(try XCTUnwrap(workbench.prompt)).count, "a row per distinct prompt token")
    XCTAssertTrue(app.frame().text.contains(", score"), "a token table's summary is its largest score, not a token id: \(app.frame().text)")
    type(app, "K")
    let grid = try XCTUnwrap(app.state.engine.gridResult(for: app.state.view))
    XCTAssertEqual(grid.kind, "weights.composition.k")
    XCTAssertEqual(grid.axes.map(\.name), ["layer", "head"])
    XCTAssertEqual(grid.params["receiver"], "2.1")
    let full = try XCTUnwrap(workbench.lastResults.first)
    XCTAssertEqual(grid.values[1, 3], full.values[1, 3, 2, 1])
    XCTAssertEqual(grid.values[2, 0], .missing, "a head in the same layer does not compose")
    XCTAssertTrue(app.frame().text.contains("weights.composition.k into 2.1"), app.frame().text)
    keys(app, [.down])
    XCTAssertEqual(app.state.engine.gridResult(for: app.state.view)?.params["receiver"], "3.1")
    XCTAssertEqual(app.state.engine.gridResult(for: app.state.view)?.values[2, 0], full.values[2, 0, 3, 1])
  }

  func testHelpListsEveryKeyAndClosesWithEscape() {
    let (app, _) = makeApp(columns: 100, rows: 60)
    type(app, "?")
    let text = app.frame().text
    for binding in KeyMap.bindings { XCTAssertTrue(text.contains(binding.label + " "), "help lacks \(binding.label)") }
    XCTAssertTrue(text.contains("patch"), "help lists the catalog")
    keys(app, [.escape])
    XCTAssertEqual(app.state.mode, .normal)
  }

  func testQuitAsksFirstWhenThereAreUnsavedChangesAndSavingClearsThem() throws {
    let (app, _) = makeApp()
    XCTAssertFalse(app.state.unsaved, "the starting commands leave the session unmodified")
    type(app, "D")
    XCTAssertTrue(app.state.unsaved)
    type(app, "q")
    XCTAssertEqual(app.state.mode, .confirmQuit)
    XCTAssertTrue(app.frame().text.contains("Unsaved changes"))
    type(app, "n")
    XCTAssertFalse(app.isFinished)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-app-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("s.session.json").path
    type(app, "s")
    keys(app, [.control("u")])
    type(app, "save \(path)")
    keys(app, [.enter])
    XCTAssertFalse(app.state.unsaved)
    XCTAssertNotNil(try SessionFile.read(URL(fileURLWithPath: path)))
    type(app, "q")
    XCTAssertTrue(app.isFinished)
  }

  func testTooSmallThenResizedBack() {
    let (app, _) = makeApp()
    app.handle(.resize(columns: 70, rows: 20))
    XCTAssertTrue(app.frame().text.contains("terminal too small: 70x20"))
    type(app, "D")  // ignored while too small
    XCTAssertTrue(app.state.engine.gridResults.isEmpty)
    app.handle(.resize(columns: 80, rows: 24))
    XCTAssertTrue(app.frame().text.contains("attention 0.0"))
  }

  func testUnknownKeysDoNothingHarmful() {
    let (app, workbench) = makeApp()
    let history = workbench.history.count
    let view = app.state.view
    keys(app, [.function(7), .character("Z"), .character("§"), .control("t"), .pageDown, .home, .delete, .backspace])
    XCTAssertEqual(workbench.history.count, history)
    XCTAssertEqual(app.state.view, view)
    XCTAssertFalse(app.isFinished)
  }

  func testEscapeCancelsARunningAnalysisAndKeysStillWork() throws {
    let (app, workbench) = makeApp(synchronous: false)
    app.handle(.key(.character(":")))
    for c in "relevance ioi method=ablation count=1000" { app.handle(.key(.character(c))) }
    app.handle(.key(.enter))
    // Wait for the run to report progress, then move and cancel.
    let deadline = Date().addingTimeInterval(60)
    while (app.state.job?.done ?? 0) < 2, Date() < deadline {
      Thread.sleep(forTimeInterval: 0.01)
      app.pump()
    }
    XCTAssertNotNil(app.state.job, "the run is in progress")
    XCTAssertTrue(app.frame().text.contains("%"), "the status bar shows the progress")
    app.handle(.key(.down))
    XCTAssertEqual(app.state.view.layer, 1, "keys are handled while the analysis runs")
    app.handle(.key(.escape))
    app.settle()
    XCTAssertNil(app.state.job)
    XCTAssertEqual(app.state.view.layer, 1, "the finished run does not take back the selection made while it ran")
    XCTAssertEqual(workbench.view.layer, 1)
    XCTAssertTrue(app.state.message?.contains("cancelled after") ?? false, "the status line keeps the cancellation, not the select behind it: \(app.state.message ?? "")")
    // Dataset-level relevance refuses partial statistics: the cancelled run reports how far it got.
    XCTAssertTrue(app.state.log.contains { $0.text.contains("cancelled after") && $0.role != .error }, app.state.log.map(\.text).joined(separator: "\n"))
    XCTAssertFalse(app.state.messageIsError)
    XCTAssertFalse(app.isFinished)
  }

  func testOpeningASessionAdoptsItsStateAndAFailedOpenChangesNothing() throws {
    let (app, workbench) = makeApp()
    type(app, "jl")
    type(app, "a")
    XCTAssertEqual(app.state.engine.ablated.map(\.description), ["1.1"])
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-open-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let broken = folder.appendingPathComponent("broken.session.json")
    try "{\"format\": \"headlab.session\", \"version\": {\"major\": 1".write(to: broken, atomically: true, encoding: .utf8)
    type(app, ":open \(broken.path)")
    keys(app, [.enter])
    XCTAssertTrue(app.state.messageIsError)
    XCTAssertEqual(app.state.engine.ablated.map(\.description), ["1.1"], "the current session is untouched")
    XCTAssertEqual([app.state.view.layer, app.state.view.head], [1, 1])

    let ioi = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sessions/ioi.session.json").standardized
    type(app, "o")
    type(app, ioi.path)
    keys(app, [.enter])
    XCTAssertFalse(app.state.messageIsError, app.state.message ?? "")
    XCTAssertEqual(app.state.engine.ablated.map(\.description), ["0.0", "2.1"], "the session's interventions")
    XCTAssertEqual(app.state.engine.gridResult(for: app.state.view)?.kind, "relevance.hrv")
    XCTAssertEqual(app.state.sessionPath, ioi.path)
    XCTAssertFalse(app.state.unsaved)
    XCTAssertEqual(workbench.history.count, try SessionFile.read(ioi).history.count)
  }

  /// Quitting while an analysis runs cancels it and returns only once the engine is idle, so the
  /// process never exits with engine code running (OpenBLAS frees its buffers at exit).
  func testQuitDuringARunWaitsForTheEngineToStop() {
    let (app, _) = makeApp(synchronous: false)
    let terminal = MemoryTerminal(columns: 100, rows: 30)
    terminal.pending = [.key(.character(":"))] + "relevance ioi method=gradient count=20000".map { .key(.character($0)) } + [.key(.enter)]
    var quitSent = false
    terminal.onPresent = { _ in
      // Quit once the run has started and reports progress.
      if !quitSent, (app.state.job?.done ?? 0) > 0 {
        quitSent = true
        terminal.pending.append(.key(.character("q")))
      }
    }
    let started = Date()
    app.run(on: terminal)
    XCTAssertTrue(quitSent, "the run never reported progress")
    XCTAssertTrue(terminal.restored)
    XCTAssertTrue(app.isEngineIdle, "run(on:) returned with the engine still busy")
    XCTAssertLessThan(Date().timeIntervalSince(started), 60, "the run was cancelled, not finished")
  }
}
