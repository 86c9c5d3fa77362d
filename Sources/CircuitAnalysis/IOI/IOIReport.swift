import Foundation
import Tokenizers
import TransformerEngine

/// The IOI circuit report (Wang et al. 2023, "Interpretability in the Wild"; papers.md sections
/// 3 and 9): classifies heads into Wang et al.'s seven classes from the paper's evidence, working
/// back from the logits as the paper does, and checks the circuit they form.
///
/// 1. On the IOI dataset (p_IOI, mixed ABBA/BABA; corrupted = p_ABC): each head's direct logit
///    attribution at END over the mean logit difference LD, its attention END -> IO/S1/S2,
///    S2 -> S1+1, S2 -> S1 and S1+1 -> S1, its OV copy and negative copy scores over the names,
///    the induction / duplicate-token / previous-token detectors on repeated random tokens, and
///    path patching to the logits.
/// 2. Name movers and negative name movers from DLA, attention to IO and copy scores; backup
///    name movers from the growth of their DLA when the name movers are mean-ablated.
/// 3. S-inhibition heads by path patching to the name movers' queries; induction and
///    duplicate-token heads by path patching to the S-inhibition heads' values; previous-token
///    heads by path patching to the induction heads' keys; each with its attention at the
///    role position.
/// 4. The circuit (every classified head) with faithfulness, completeness and minimality
///    (`IOICircuitChecks`).
///
/// Results: `ioi.report` (head × evidence, with each head's class), `ioi.heads` ([L, NH] class
/// names), `ioi.classes` (class × heads / best candidate / its evidence), `ioi.circuit` (the
/// criteria), `ioi.completeness` and `ioi.minimality`. The thresholds are in every result's
/// `params`.
public enum IOIReport {
  public struct Settings: Sendable {
    public var count = 64
    public var seed: UInt64 = 0
    public var thresholds = IOIThresholds()
    /// Random subsets K of the completeness and minimality checks.
    public var subsets = 4
    public init() {}
  }

  /// Phases reported to `progress` (one unit each); cancellation is checked between them and
  /// throws `AnalysisError.cancelled` (a report is never left half-made).
  static let phases = 9

  public static func run(
    subject: AnalysisSubject, tokenizer: BPETokenizer, settings: Settings = Settings(), progress: AnalysisProgress = .none
  ) throws -> [AnalysisResult] {
    let started = Date()
    let L = subject.layers, NH = subject.heads, t = settings.thresholds
    let all = (0..<L).flatMap { l in (0..<NH).map { HeadIndex(l, $0) } }
    progress.start(total: phases)
    var done = 0
    func step() throws {
      done += 1
      progress.advance()
      if progress.isCancelled { throw AnalysisError.cancelled(completed: done, total: phases) }
    }

    let dataset = try IOIDataset(count: settings.count, seed: settings.seed).build(tokenizer: tokenizer)
    let groups = [try dataset.batch(tokenText: subject.tokenText)]
    let reference = try dataset.ablationReference().computingMeans(subject: subject)
    var evidence = IOIEvidence(heads: NH)
    try step()

    // 1. Evidence that needs no classification.
    let clean = try IOIDirectAttribution.mean(subject, dataset: dataset, ablating: [], reference: reference)
    let ld = clean.logitDifference
    guard ld.isFinite, ld > 0 else {
      throw AnalysisError.invalidArgument("the model's mean IOI logit difference is \(ld): with no preference for the indirect object there is no circuit to classify")
    }
    evidence.columns[.dlaFraction] = clean.heads.map { $0 / ld }
    evidence.columns[.dlaFractionABBA] = clean.byOrder["abba"]?.map { $0 / ld }
    evidence.columns[.dlaFractionBABA] = clean.byOrder["baba"]?.map { $0 / ld }
    evidence.columns.merge(try IOIAttention.measure(subject, dataset: dataset)) { $1 }
    try step()
    let detectors = try HeadDetectors.run(
      subject, detectors: [.copy, .negativeCopy, .induction, .duplicateToken, .previousToken],
      inputs: try HeadDetectorInputs.standard(tokenizer: tokenizer, seed: settings.seed))
    for (column, kind) in [(IOIEvidence.Column.copy, "detect.copy"), (.negativeCopy, "detect.negative_copy"), (.detectInduction, "detect.induction"),
                           (.detectDuplicateToken, "detect.duplicate_token"), (.detectPreviousToken, "detect.previous_token")] {
      evidence.columns[column] = IOIEvidence.column(detectors.first { $0.kind == kind }!)
    }
    evidence.columns[.pathLogits] = IOIEvidence.column(try PathPatching.run(subject: subject, groups: groups, receivers: .logits))
    try step()

    // 2. Name movers, negative and backup name movers.
    var assigned: [HeadIndex: IOIHeadClass] = [:]
    func classify(_ cls: IOIHeadClass) -> [HeadIndex] {
      let found = all.filter { assigned[$0] == nil && cls.admits(evidence.row($0), t) }
      for head in found { assigned[head] = cls }
      return found
    }
    let nameMovers = classify(.nameMover)
    let negative = classify(.negativeNameMover)
    let without = try IOIDirectAttribution.mean(subject, dataset: dataset, ablating: nameMovers, reference: reference)
    evidence.columns[.dlaGainWithoutNameMovers] = zip(without.heads, clean.heads).map { ($0 - $1) / ld }
    let backup = nameMovers.isEmpty ? [] : classify(.backupNameMover)
    try step()

    // 3. Upstream classes by path patching to the classes found so far.
    func path(_ column: IOIEvidence.Column, to heads: [HeadIndex], input: CircuitNode.HeadInput) throws {
      guard heads.contains(where: { $0.layer > 0 }) else { return }
      let receivers = PathReceivers.heads(heads.filter { $0.layer > 0 }.map { PathReceiver(head: $0, input: input) })
      evidence.columns[column] = IOIEvidence.column(try PathPatching.run(subject: subject, groups: groups, receivers: receivers))
    }
    try path(.pathNameMoverQueries, to: nameMovers, input: .q)
    let sInhibition = classify(.sInhibition)
    try step()
    try path(.pathSInhibitionValues, to: sInhibition, input: .v)
    let induction = classify(.induction)
    let duplicate = classify(.duplicateToken)
    try step()
    try path(.pathInductionKeys, to: induction, input: .k)
    let previous = classify(.previousToken)
    try step()

    // 4. The circuit and its checks.
    let classes: [(IOIHeadClass, [HeadIndex])] = [
      (.nameMover, nameMovers), (.negativeNameMover, negative), (.backupNameMover, backup), (.sInhibition, sInhibition),
      (.induction, induction), (.duplicateToken, duplicate), (.previousToken, previous),
    ]
    let circuit = all.filter { assigned[$0] != nil }
    let checks = try IOICircuitChecks(subject: subject, groups: groups, mode: .mean(reference), circuit: circuit,
                                      classes: classes, subsets: settings.subsets, seed: settings.seed)
    try step()

    var params: [String: JSONValue] = [
      "dataset": dataset.resultParams, "thresholds": t.params, "logit_difference": .number(ld),
      "classes": .strings(IOIHeadClass.allCases.map(\.rawValue)),
      "circuit": .strings(circuit.map(\.description)),
      "ablation": "mean over the ABC (corrupted) prompts per template and position, whole heads at every position",
      "path_patching": "relative change (patched - clean)/clean; senders from p_ABC, other heads frozen at clean z, receivers at every position",
      "subsets": .integer(settings.subsets), "seed": .integer(Int(truncatingIfNeeded: settings.seed)),
    ]
    for (cls, heads) in classes { params["class.\(cls.rawValue)"] = .strings(heads.map(\.description)) }
    let elapsed = Int(Date().timeIntervalSince(started) * 1000)
    let metric = MetricSummary(name: "logit_diff", clean: ld)
    let results = IOIReportResults(
      subject: subject, evidence: evidence, assigned: assigned, classes: classes, checks: checks, params: params,
      metric: metric, elapsedMs: elapsed, thresholds: t
    ).all
    progress.advance()
    return results
  }
}
