import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// The catalog's commands run through the one executor from a script, on the embedded model.
final class WorkbenchTests: XCTestCase {
  static let setup = """
    model default
    pair clean="When Mary and John went to the store, John gave a drink to" corrupted="When Mary and John went to the store, Mary gave a drink to"
    answer " Mary" " John"
    prompt "When Mary and John went to the store, John gave a drink to"
    """

  func run(_ script: String, on workbench: Workbench = Workbench()) throws -> [(ParsedLine, CommandOutput)] {
    var outputs: [(ParsedLine, CommandOutput)] = []
    try BatchRunner.run(script: script, on: workbench) { outputs.append(($0, $1)) }
    return outputs
  }

  func kinds(_ output: CommandOutput) -> [String] {
    if case .results(let r) = output { return r.map(\.kind) }
    return []
  }

  /// One successful run of every catalog command.
  func testEveryCatalogCommandRunsFromAScript() throws {
    let export = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-export-\(UUID().uuidString).json")
    let saved = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-session-\(UUID().uuidString).json")
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-cache-\(UUID().uuidString).safetensors")
    defer {
      try? FileManager.default.removeItem(at: export)
      try? FileManager.default.removeItem(at: saved)
      try? FileManager.default.removeItem(at: cache)
    }
    let script = Self.setup + """

      metric logit_diff
      patch attn_head_out_all_pos normalise=yes  # the IOI pair
      atp attn_head_out_all_pos beside=yes
      ablate each mode=mean reference=ioi count=40
      ablate 2.0,2.1
      run top=3
      generate 2
      unablate 2.1
      interventions
      cache \(cache.path) sites=blocks.0.*
      lens top=3
      dla
      detect induction
      chg ioi count=4 restarts=2 steps=2
      pathpatch receivers=logits
      ioi 8
      chg successor negative=ioi count=4 steps=2
      successor count=8 shuffles=2
      trace ioi count=4 keep=6
      weights ov 2.1 k=3
      weights composition k samples=20
      relevance induction method=ablation count=3
      select 2.0 token=3 source=1
      view grid=detect.induction values=yes diff=yes focus=attention
      theme mono
      save-screen screen.txt
      export \(export.path)
      save \(saved.path)
      open \(saved.path)
      help patch
      """
    // The terminal workbench installs the real screen writer (tested in WorkbenchTUITests).
    let workbench = Workbench()
    var screens: [String] = []
    workbench.screenWriter = { path in
      screens.append(path)
      return "written"
    }
    let outputs = try run(script, on: workbench)
    XCTAssertEqual(screens, ["screen.txt"])
    XCTAssertEqual(workbench.view.layer, 2)
    XCTAssertEqual(workbench.view.token, 3)
    XCTAssertEqual(workbench.view.grid, "detect.induction")
    XCTAssertEqual(workbench.view.theme, "mono")
    XCTAssertEqual(try SessionFile.read(saved).view["focus"], .string("attention"), "the session keeps the view")
    let ran = Set(outputs.map(\.0.name.text))
    XCTAssertEqual(ran, Set(CommandCatalog.all.map(\.name)), "every catalog command ran")
    let patch = try XCTUnwrap(outputs.first { $0.0.name.text == "patch" })
    guard case .results(let results) = patch.1 else { return XCTFail("patch gave no result") }
    XCTAssertEqual(results[0].kind, "patch.attn_head_out_all_pos")
    XCTAssertEqual(try XCTUnwrap(results[0].values[0, 0].number), 0.98227, accuracy: 1e-4, "head 0.0 restores the IOI pair")
    XCTAssertEqual(kinds(outputs.first { $0.0.name.text == "detect" }!.1), ["detect.induction"])
    let exported = try AnalysisResult.decodeList(Data(contentsOf: export))
    XCTAssertEqual(exported.map(\.kind), ["relevance.ablation", "relevance.hrv"])
  }

  /// Parse and argument errors give the line, the column and the command's usage.
  func testArgumentErrorsNameTheColumnAndUsage() throws {
    let workbench = Workbench()
    _ = try run(Self.setup, on: workbench)
    let cases: [(String, String, Int?)] = [
      ("patch attn_head_out_all_pos normalize=yes", "did you mean 'normalise'", 29),
      ("patch resid_pree", "did you mean 'resid_pre'", 7),
      ("patch resid_pre noising=maybe", "not a boolean", 25),
      ("ablate", "takes 1 value", nil),
      ("ablate 12.0", "layer 12", nil),
      ("lens top=zero", "not an integer", 10),
      ("frobnicate", "unknown command", 1),
      (#"prompt "unterminated"#, "unterminated", nil),
      ("metric kl k=0", "out of range", 13),
      ("select 9.0", "no head 9.0", 8),
      ("select two", "LAYER.HEAD", 8),
      ("select token=99", "out of range", 14),
      ("select", "needs a head", nil),
      ("view grid=nothing", "layer x head result", 11),
      ("view values=perhaps", "not a boolean", 13),
      ("view focus=sidebar", "panel", 12),
      ("view", "needs one of", nil),
      ("theme", "takes 1 value", nil),
      ("save-screen", "takes 1 value", nil),
      ("save-screen x.txt", "needs a screen", nil),
    ]
    assertArgumentErrors(cases, on: workbench)
    XCTAssertThrowsError(try workbench.execute(line: "patch resid_pre normalize=yes")) {
      XCTAssertTrue("\($0)".contains("patch SWEEP [noising=yes] [normalise=yes]"), "usage: \($0)")
    }
  }

  /// Commands say what to set first; a script that fails halfway keeps what ran before and names
  /// the line.
  func testMissingSettingsAndAFailingLine() throws {
    let workbench = Workbench()
    XCTAssertThrowsError(try workbench.execute(line: "patch resid_pre")) { XCTAssertTrue("\($0)".contains("pair clean=TEXT corrupted=TEXT"), "\($0)") }
    let script = Self.setup + "\npatch attn_head_out_all_pos\nanswer \" Maryxyz\" \" John\"\nlens\n"
    XCTAssertThrowsError(try run(script, on: workbench)) { error in
      XCTAssertTrue("\(error)".hasPrefix("line 6 ("), "\(error)")
      XCTAssertTrue("\(error)".contains("not a single token"), "\(error)")
    }
    XCTAssertEqual(workbench.lastResults.map(\.kind), ["patch.attn_head_out_all_pos"], "the work before the failing line is kept")
  }

  /// The README's command reference is the catalog's.
  func testREADMECommandReferenceIsGeneratedFromTheCatalog() throws {
    let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"), encoding: .utf8)
    let begin = "<!-- workbench commands: generated from CommandCatalog.markdownReference -->\n", end = "\n<!-- end of workbench commands -->"
    let generated = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-command-reference.md")
    try CommandCatalog.markdownReference.write(to: generated, atomically: true, encoding: .utf8)
    guard let start = readme.range(of: begin), let stop = readme.range(of: end, range: start.upperBound..<readme.endIndex) else {
      return XCTFail("README.md has no generated command reference between \(begin) and \(end)")
    }
    XCTAssertEqual(String(readme[start.upperBound..<stop.lowerBound]), CommandCatalog.markdownReference,
                   "README's command reference is stale: paste \(generated.path) between the markers")
  }
}
