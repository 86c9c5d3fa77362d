import Foundation
import TransformerEngine

/// The successor-head report (Gould, Ong, Ogden & Conmy, "Successor Heads", ICLR 2024, arXiv
/// 2312.09230; papers.md section 2; issue 15 item 5):
/// 1. the succession score of every head, overall and per task (`SuccessorScore`: effective OV
///    logits E'·W_OV·W_U, argmax over the task's tokens, circuits-over-time's definition);
/// 2. the best head (largest overall score, ties to the lower layer.head);
/// 3. the effect of ablating it, zero and mean ablation of its z at every position (`HeadAblation`,
///    mean over the successor prompts' corrupted runs per template and position), on the successor
///    prompts' top-1 accuracy and logit difference (answer − the run's last item);
/// 4. the mod-10 check (`ModTenProbe`): a ridge probe of index mod 10 on the MLP0 outputs of the
///    numeric tokens, leave-one-decade-out, beside the same probe on seeded label shuffles.
public enum SuccessorReport {
  /// The acceptance bar: a head with at least this succession score …
  public static let scoreBar = 0.8
  /// … whose ablation cuts top-1 accuracy by at least this fraction.
  public static let accuracyCutBar = 1.0 / 3

  /// Returns, in order:
  /// - `successor.report` [finding]: the readable summary (best head, its score, the accuracies
  ///   and logit differences, the probe's accuracies, whether the acceptance bar is met);
  /// - `successor.report.scores` [layer, head]: overall succession scores;
  /// - `successor.report.scores.per_task` [task, layer, head];
  /// - `successor.report.ablation` [measure(top1_accuracy, logit_diff), variant(full, zero, mean)];
  /// - `successor.report.mod10` [labels(true, shuffled), measure(held_out_accuracy,
  ///   training_accuracy)]: shuffled is the mean over the shuffles, with its standard error.
  /// `progress` counts tasks, ablation runs and probe fits; cancelling throws `AnalysisError.cancelled`.
  public static func run(
    subject: AnalysisSubject, inputs: SuccessorReportInputs, settings: SuccessorReportSettings = SuccessorReportSettings(),
    progress: AnalysisProgress = .none
  ) throws -> [AnalysisResult] {
    try settings.validate()
    let started = Date()
    let total = inputs.tasks.count + 4 + 1 + settings.shuffles
    progress.start(total: total)
    func checkCancelled() throws { if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: total) } }

    let scores = try SuccessorScore.compute(subject, tasks: inputs.tasks, addingTokenEmbedding: settings.addingTokenEmbedding, progress: progress)
    let best = bestHead(scores.overall, heads: subject.heads)

    var reference = inputs.reference
    if reference.means == nil { reference = try reference.computingMeans(subject: subject) }
    var ablation: [String: (full: Double, ablated: Double)] = [:]
    for mode in [AblationMode.zero, .mean(reference)] {
      for metric in [MetricChoice(.topKAccuracy, k: 1), .logitDifference] {
        try checkCancelled()
        let r = try HeadAblation.heads([best], subject: subject, groups: [inputs.prompts], metric: metric, mode: mode)
        ablation["\(metric.kind.rawValue).\(mode.name)"] = (r.metric!.clean!, r.values.cells[0].number!)
        progress.advance()
      }
    }
    let probe = try ModTenCheck.run(subject: subject, numeric: inputs.numeric, settings: settings, progress: progress, checkCancelled: checkCancelled)

    let built = SuccessorReportResults(
      subject: subject, inputs: inputs, settings: settings, scores: scores, best: best, ablation: ablation, probe: probe, reference: reference.name)
    var results = built.results()
    let elapsed = Int(Date().timeIntervalSince(started) * 1000)
    for i in results.indices { results[i].elapsedMs = elapsed }
    return results
  }

  /// The head with the largest score (ties to the lower layer.head).
  static func bestHead(_ scores: [Double], heads NH: Int) -> HeadIndex {
    let i = scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }!
    return HeadIndex(i / NH, i % NH)
  }
}
