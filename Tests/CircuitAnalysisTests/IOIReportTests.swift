import CircuitAnalysis
import Foundation
import Tokenizers
import TransformerEngine
import XCTest

/// The IOI circuit report (Wang et al. 2023) on the embedded default model: its classes follow
/// from its own evidence and stated thresholds, its circuit checks agree with independent runs,
/// and path patching to the logits agrees with activation patching where the two coincide.
/// `IOIReportAcceptanceTests` holds the issue's acceptance bars.
final class IOIReportTests: XCTestCase {
  static let count = 32

  static func defaultSubject() throws -> (AnalysisSubject, BPETokenizer) {
    let directory = try XCTUnwrap(DefaultModel.directory, "no embedded default model")
    let model = try ModelLoader.load(ModelDirectory(url: directory)).0
    let tokenizer = try BPETokenizer.load(directory: directory)
    let identity = ModelIdentity(name: "default", sha256: try ModelIdentity.checksum(of: ModelDirectory(url: directory)))
    return (AnalysisSubject(model: model, identity: identity, tokenText: { tokenizer.decode([$0]) }), tokenizer)
  }

  /// Thresholds loose enough that the default model has a circuit with classes upstream of its
  /// "name movers" (its heads' DLA cancels between ABBA and BABA prompts, so the paper's DLA bar
  /// finds none): they exercise the upstream path patching and the circuit checks, not the
  /// paper's classification.
  static var loose: IOIThresholds {
    var t = IOIThresholds()
    t.nameMoverDLA = -1
    t.nameMoverAttention = 0.25
    t.nameMoverCopy = 0.3
    t.pathEffect = 0
    t.roleAttention = 0.1
    return t
  }

  static func report(count: Int = count, seed: UInt64 = 0, thresholds: IOIThresholds = IOIThresholds()) throws -> [String: AnalysisResult] {
    let (subject, tokenizer) = try defaultSubject()
    var settings = IOIReport.Settings()
    settings.count = count
    settings.seed = seed
    settings.thresholds = thresholds
    let results = try IOIReport.run(subject: subject, tokenizer: tokenizer, settings: settings)
    XCTAssertEqual(results.map(\.kind), ["ioi.report", "ioi.heads", "ioi.classes", "ioi.circuit", "ioi.completeness", "ioi.minimality"])
    for r in results { XCTAssertNoThrow(try r.validate(), r.kind) }
    print(results.map(ResultText.render).joined(separator: "\n\n"))
    return Dictionary(uniqueKeysWithValues: results.map { ($0.kind, $0) })
  }

  /// The class rules as the thresholds' params state them, written out independently of
  /// `IOIHeadClass.admits`: evidence by column name, NaN when not computed.
  static func meets(_ cls: String, _ e: [String: Double], _ t: IOIThresholds) -> Bool {
    func v(_ k: String) -> Double { e[k] ?? .nan }
    switch cls {
    case "name_mover": return v("dla_frac") >= t.nameMoverDLA && v("attn_END_IO") >= t.nameMoverAttention && v("copy") >= t.nameMoverCopy
    case "negative_name_mover": return v("dla_frac") <= -t.negativeDLA && v("attn_END_IO") >= t.nameMoverAttention && v("negative_copy") >= t.nameMoverCopy
    case "backup_name_mover": return v("dla_gain_without_nm") >= t.backupGain && v("attn_END_IO") >= t.backupAttention
    case "s_inhibition": return v("path_nm_q") <= -t.pathEffect && v("attn_END_S2") >= t.roleAttention
    case "induction": return v("path_sinh_v") <= -t.pathEffect && v("attn_S2_S1+1") >= t.roleAttention
    case "duplicate_token": return v("path_sinh_v") <= -t.pathEffect && v("attn_S2_S1") >= t.roleAttention
    case "previous_token": return v("path_ind_k") <= -t.pathEffect && v("attn_S1+1_S1") >= t.roleAttention
    default: XCTFail("unknown class \(cls)"); return false
    }
  }

  func testClassesFollowFromTheEvidenceAndTheStatedThresholds() throws {
    try checkClasses(IOIThresholds())
  }

  func testClassesFollowFromTheEvidenceUnderLooseThresholds() throws {
    let members = try checkClasses(Self.loose)
    XCTAssertNotNil(members["name_mover"], "the loose thresholds give name movers")
    XCTAssertTrue(members.keys.contains { ["s_inhibition", "induction", "duplicate_token", "previous_token"].contains($0) },
                  "and a class upstream of them: \(members)")
  }

  /// `ioi.circuit` carries the circuit as a graph: every classified head a node, an edge wherever
  /// Wang et al.'s circuit has one (name movers -> logits, S-inhibition -> name movers' queries,
  /// induction and duplicate-token -> S-inhibition values, previous-token -> induction keys) from
  /// an earlier layer, scored with the sender's path-patching evidence; its DOT names the classes.
  func testCircuitGraphFollowsTheClasses() throws {
    let results = try Self.report(count: 16, thresholds: Self.loose)
    let report = try XCTUnwrap(results["ioi.report"]), circuit = try XCTUnwrap(results["ioi.circuit"])
    let graph = try circuit.circuitGraph()
    let columns = report.axes[1].labels
    var classOf: [HeadIndex: String] = [:], evidence: [HeadIndex: [String: Double]] = [:]
    for (r, label) in report.axes[0].labels.enumerated() {
      let head = try HeadIndex(parsing: label)
      for (c, name) in columns.enumerated() {
        let cell = report.values.cells[r * columns.count + c]
        if c == 0, case .token(let cls) = cell, cls != "-" { classOf[head] = cls }
        if c > 0 { evidence[head, default: [:]][name] = cell.number }
      }
    }
    XCTAssertFalse(classOf.isEmpty)
    let heads = Set(graph.keptHeads)
    XCTAssertEqual(heads, Set(classOf.keys), "the graph's heads are the classified heads")
    let rules: [String: (receivers: Set<String>, input: String?, score: String)] = [
      "name_mover": ([], nil, "path_logits"), "negative_name_mover": ([], nil, "path_logits"), "backup_name_mover": ([], nil, "path_logits"),
      "s_inhibition": (["name_mover", "negative_name_mover", "backup_name_mover"], "q", "path_nm_q"),
      "induction": (["s_inhibition"], "v", "path_sinh_v"), "duplicate_token": (["s_inhibition"], "v", "path_sinh_v"),
      "previous_token": (["induction"], "k", "path_ind_k"),
    ]
    var expected: Set<String> = []
    for (sender, cls) in classOf {
      let rule = try XCTUnwrap(rules[cls])
      guard let input = rule.input else { expected.insert("<a\(sender)> -> <resid_post>"); continue }
      for (receiver, other) in classOf where rule.receivers.contains(other) && receiver.layer > sender.layer {
        expected.insert("<a\(sender)> -> <a\(receiver)_\(input)>")
      }
    }
    XCTAssertEqual(Set(graph.edges.map { "\($0.sender.name) -> \($0.receiver.name)" }), expected)
    for edge in graph.edges {
      let sender = try XCTUnwrap(edge.sender.headIndex.map { HeadIndex($0.layer, $0.head) })
      XCTAssertEqual(edge.score, evidence[sender]?[rules[classOf[sender]!]!.score] ?? nil, "\(edge.key)")
    }
    let dot = try CircuitDOT(result: circuit).text
    for (head, cls) in classOf { XCTAssertEqual(circuit.headClasses[head], cls.replacingOccurrences(of: "_", with: cls.hasSuffix("mover") ? " " : "-")) }
    XCTAssertTrue(dot.contains("fillcolor=\"\(CircuitDOT.classColors["name mover"]!)\""), dot)
    XCTAssertNoThrow(try circuit.validate())
  }

  /// Checks every head's class against the rules and returns the classes' members.
  @discardableResult
  func checkClasses(_ t: IOIThresholds) throws -> [String: [String]] {
    let results = try Self.report(thresholds: t)
    let report = try XCTUnwrap(results["ioi.report"]), classes = try XCTUnwrap(results["ioi.classes"])
    let order = ["name_mover", "negative_name_mover", "backup_name_mover", "s_inhibition", "induction", "duplicate_token", "previous_token"]
    XCTAssertEqual(classes.axes[0].labels, order)
    if t == IOIThresholds() {
      XCTAssertEqual(report.params["thresholds"]?["name_mover"], "dla_frac >= 0.1, attn END->IO >= 0.3, copy >= 0.5", "the default thresholds as the params state them")
    }
    let columns = report.axes[1].labels
    XCTAssertEqual(columns.first, "class")
    var members: [String: [String]] = [:]
    for (r, head) in report.axes[0].labels.enumerated() {
      let cells = Array(report.values.cells[(r * columns.count)..<((r + 1) * columns.count)])
      var evidence: [String: Double] = [:]
      for (c, name) in columns.enumerated().dropFirst() { evidence[name] = cells[c].number ?? .nan }
      guard case .token(let cls) = cells[0] else { XCTFail("head \(head): no class cell"); return [:] }
      if cls == "-" {
        // Unclassified: no class admits it (a backup name mover needs name movers; an upstream
        // class needs its receivers, whose absence leaves its path column null).
        for name in order where Self.meets(name, evidence, t) {
          XCTAssertTrue(name == "backup_name_mover" && members["name_mover"] == nil, "head \(head) meets \(name) but has no class")
        }
      } else {
        XCTAssertTrue(Self.meets(cls, evidence, t), "head \(head) is a \(cls) without meeting its thresholds: \(evidence)")
        // Precedence: no earlier class admits it.
        for name in order.prefix { $0 != cls } { XCTAssertFalse(Self.meets(name, evidence, t), "head \(head) meets earlier class \(name)") }
        members[cls, default: []].append(head)
      }
    }
    let grid = try XCTUnwrap(results["ioi.heads"])
    XCTAssertEqual(grid.values.cells, report.axes[0].labels.indices.map { report.values.cells[$0 * columns.count] }, "the head grid is the class column")
    for (i, cls) in order.enumerated() {
      let heads = classes.values.cells[i * 3], best = classes.values.cells[i * 3 + 1], evidence = classes.values.cells[i * 3 + 2]
      if let list = members[cls] {
        XCTAssertEqual(heads, .token(list.joined(separator: ",")), cls)
      } else {
        XCTAssertEqual(heads, .token("(empty)"), cls)
        // An empty class names its best candidate with that head's evidence (or says why not).
        guard case .token(let text) = best else { XCTFail("\(cls): no best candidate cell"); return members }
        if !text.hasPrefix("(none") {
          XCTAssertNotNil(try? HeadIndex(parsing: text), "\(cls): best candidate \(text)")
          guard case .token(let why) = evidence else { XCTFail("\(cls): no evidence cell"); return members }
          XCTAssertTrue(why.contains("="), "\(cls): evidence \(why)")
        }
      }
    }
    let circuit = Set(members.values.joined())
    XCTAssertEqual(Set(report.params["circuit"]?.arrayValue?.compactMap(\.stringValue) ?? []), circuit)
    return members
  }

  /// F(M) is the clean logit difference; the faithfulness and the "none" completeness gap follow
  /// from F(C) and F(M); F(C) and F(∅) equal mean ablations run here with `HeadAblation`.
  func testCircuitChecksAgreeWithIndependentRuns() throws {
    let results = try Self.report(count: 16, thresholds: Self.loose)
    let report = try XCTUnwrap(results["ioi.report"]), circuit = try XCTUnwrap(results["ioi.circuit"])
    func check(_ label: String) throws -> Double {
      try XCTUnwrap(circuit.values.cells[try XCTUnwrap(circuit.axes[0].labels.firstIndex(of: label), label)].number, label)
    }
    let fm = try check("F(M)"), fc = try check("F(C)"), fe = try check("F(empty)")
    let ld = try XCTUnwrap(report.params["logit_difference"]?.doubleValue)
    XCTAssertEqual(fm, ld, accuracy: 1e-3 * abs(ld), "F(M) (unablated runs) vs the DLA runs' logit difference")
    XCTAssertEqual(try check("faithfulness F(C)/F(M)"), fc / fm, accuracy: 1e-12)
    let completeness = try XCTUnwrap(results["ioi.completeness"])
    XCTAssertEqual(completeness.axes[0].labels.first, "none")
    XCTAssertEqual(try XCTUnwrap(completeness.values.cells[2].number), abs(fc - fm), accuracy: 1e-9)
    XCTAssertEqual(completeness.axes[1].labels, ["F(C\\K)", "F(M\\K)", "gap", "K"])

    let (subject, tokenizer) = try Self.defaultSubject()
    let dataset = try IOIDataset(count: 16, seed: 0).build(tokenizer: tokenizer)
    let groups = [try dataset.batch(tokenText: subject.tokenText)]
    let mode = AblationMode.mean(try dataset.ablationReference())  // means computed per block here, not ahead
    let names = Set(report.params["circuit"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    let all = (0..<subject.layers).flatMap { l in (0..<subject.heads).map { HeadIndex(l, $0) } }
    let outside = all.filter { !names.contains($0.description) }
    let everything = try HeadAblation.heads(all, subject: subject, groups: groups, mode: mode)
    XCTAssertEqual(try XCTUnwrap(everything.values.cells[0].number), fe, accuracy: 1e-4)
    XCTAssertFalse(names.isEmpty, "the loose thresholds give a circuit")
    let kept = try HeadAblation.heads(outside, subject: subject, groups: groups, mode: mode)
    XCTAssertEqual(try XCTUnwrap(kept.values.cells[0].number), fc, accuracy: 1e-4)
    XCTAssertEqual(try check("circuit heads"), Double(names.count))
    // Minimality: each head's effect is the largest over its K's, K = none among them.
    let minimality = try XCTUnwrap(results["ioi.minimality"])
    XCTAssertEqual(Set(minimality.axes[0].labels), names)
    for (row, head) in minimality.axes[0].labels.enumerated() {
      let v = try HeadIndex(parsing: head)
      let without = try HeadAblation.heads(outside + [v], subject: subject, groups: groups, mode: mode)
      let effect = try XCTUnwrap(minimality.values.cells[row * 3].number)
      XCTAssertGreaterThanOrEqual(effect + 1e-4, abs(try XCTUnwrap(without.values.cells[0].number) - fc), "head \(head): K = none is a candidate")
      XCTAssertEqual(try XCTUnwrap(minimality.values.cells[row * 3 + 1].number), effect / fm, accuracy: 1e-12)
    }
    // Completeness: K = a class compares F(C \ K) with F(M \ K), both run here.
    for (row, label) in completeness.axes[0].labels.enumerated() where label.hasPrefix("class ") {
      guard case .token(let list) = completeness.values.cells[row * 4 + 3] else { return XCTFail("\(label): no K") }
      let k = try list.split(separator: ",").map { try HeadIndex(parsing: String($0)) }
      let circuitWithout = try HeadAblation.heads(outside + k, subject: subject, groups: groups, mode: mode)
      let modelWithout = try HeadAblation.heads(k, subject: subject, groups: groups, mode: mode)
      XCTAssertEqual(try XCTUnwrap(completeness.values.cells[row * 4].number), try XCTUnwrap(circuitWithout.values.cells[0].number), accuracy: 1e-4, label)
      XCTAssertEqual(try XCTUnwrap(completeness.values.cells[row * 4 + 1].number), try XCTUnwrap(modelWithout.values.cells[0].number), accuracy: 1e-4, label)
    }
  }

  /// A last-layer sender reaches the logits directly and through the last MLP only, so its path
  /// patch equals the noising activation patch of its output; here on IOI prompts of several
  /// lengths (padded blocks).
  func testPathToLogitsOfLastLayerHeadsEqualsNoisingPatch() throws {
    let (subject, tokenizer) = try Self.defaultSubject()
    let dataset = try IOIDataset(count: 16, seed: 2).build(tokenizer: tokenizer)
    XCTAssertFalse(dataset.hasUniformLength, "the check should cover padded blocks")
    let groups = [try dataset.batch(tokenText: subject.tokenText)]
    let path = try PathPatching.run(subject: subject, groups: groups, receivers: .logits, normalisation: .none)
    let patch = try ActivationPatching.sweep(.headOutAllPositions, subject: subject, groups: groups, direction: .noising)
    let L = subject.layers, NH = subject.heads
    for h in 0..<NH {
      let i = (L - 1) * NH + h
      XCTAssertEqual(try XCTUnwrap(path.values.cells[i].number), try XCTUnwrap(patch.values.cells[i].number), accuracy: 1e-4, "head \(L - 1).\(h)")
    }
    XCTAssertEqual(path.metric?.clean ?? .nan, patch.metric?.clean ?? .nan, accuracy: 1e-4)
  }
}

/// The IOI report on the embedded default model, as the model stands. Issue 15's bars (name
/// movers, a class upstream of them, a circuit of at most a third of the heads with F(C)/F(M) >=
/// 80%) are not met by this model: it does IOI with no head that passes the paper's name-mover
/// evidence, because its layer-2 heads' direct effects cancel between the two name orders (2.1:
/// +0.35 of the logit difference in ABBA, -0.36 in BABA) and its MLPs carry most of the direct
/// effect. The bars stay open with issue 15 and wait for a model that has the classic circuit.
/// This test pins what the report says now, with floors a little under the measured figures, so
/// that a regression of the report or of the model fails.
final class IOIReportDefaultModelTests: XCTestCase {
  func testReportOnTheDefaultModelAsItStands() throws {
    let results = try IOIReportTests.report(count: 64)
    let classes = try XCTUnwrap(results["ioi.classes"]), circuit = try XCTUnwrap(results["ioi.circuit"])
    func field(_ cls: String, _ column: Int) -> String {
      let row = classes.axes[0].labels.firstIndex(of: cls)!
      if case .token(let text) = classes.values.cells[row * 3 + column] { return text }
      return ""
    }
    func check(_ label: String) -> Double { circuit.values.cells[circuit.axes[0].labels.firstIndex(of: label)!].number ?? .nan }
    // An empty class names its best candidate and that head's evidence.
    if field("name_mover", 0) == "(empty)" {
      XCTAssertFalse(field("name_mover", 1).isEmpty, "the best name-mover candidate")
      XCTAssertFalse(field("name_mover", 2).isEmpty, "its evidence")
    }
    XCTAssertGreaterThanOrEqual(check("F(M)"), 8, "the model's logit difference (measured 10.78)")
    // F(C)/F(M) is what its cells say, whatever the circuit.
    XCTAssertEqual(check("faithfulness F(C)/F(M)"), check("F(C)") / check("F(M)"), accuracy: 1e-9)
    XCTAssertEqual(check("circuit fraction of heads"), check("circuit heads") / 16, accuracy: 1e-12)
    XCTAssertEqual(check("normalised (F(C)-F(empty))/(F(M)-F(empty))"),
                   (check("F(C)") - check("F(empty)")) / (check("F(M)") - check("F(empty)")), accuracy: 1e-9)
  }
}
