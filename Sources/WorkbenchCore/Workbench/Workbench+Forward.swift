import CircuitAnalysis
import Foundation
import TransformerEngine

/// `run` and `generate`: forward passes of the prompt under the active interventions.
extension Workbench {
  /// `run [top=K]`: one forward pass of the prompt under the active interventions. Results:
  /// - `forward.topk`: axis rank, the K most likely next tokens at the last position (token cells;
  ///   ties go to the lower id, their ids in `params.top_ids`);
  /// - `forward.topk_logits`: axes [rank, quantity], quantity = logit, prob (softmax over the
  ///   vocabulary) of those tokens;
  /// - `forward.metric` (once answer tokens are set): the workbench's metric on this pass, a
  ///   scalar; its `metric.clean` is the same metric without the interventions (kl is measured
  ///   against that run).
  func runPrompt(_ a: CommandArguments) throws -> CommandOutput {
    let (m, prompt) = try promptTokens(a)
    let model = m.subject.model, V = m.subject.config.vocabularySize
    let top = try a.reading { try a.option("top")?.integer(in: 1...V) } ?? 5
    let started = Date()
    let everyPosition = answer != nil && metric.kind == .loss
    let selection: LogitPositions = everyPosition ? .all : .last
    let logits = try withInterventions(m, tokens: prompt) { try model.forward([prompt], logits: selection) }  // [1,P,V]
    let last = Array(logits.values[(logits.count - V)...])  // [V] at the last position
    let order = TopK.indices(last, count: top)
    let logProbabilities = Metric.logSoftmax(last)
    var params: [String: JSONValue] = [
      "tokens": .integers(prompt), "position": .integer(prompt.count - 1), "top_k": .integer(top),
      "top_ids": .integers(order), "interventions": interventionsJSON,
    ]
    let rank = ResultAxis.indexed("rank", count: top)
    var results = [
      AnalysisResult(kind: "forward.topk", axes: [rank], values: ResultGrid(shape: [top], cells: order.map { .token(m.subject.tokenText($0)) }),
                     params: params, model: m.subject.identity),
      AnalysisResult(kind: "forward.topk_logits", axes: [rank, ResultAxis(name: "quantity", labels: ["logit", "prob"])],
                     values: ResultGrid(shape: [top, 2], numbers: order.flatMap { [Double(last[$0]), exp(Double(logProbabilities[$0]))] }),
                     params: params, model: m.subject.identity),
    ]
    if let answer {
      let group = try PromptPairBatch(clean: prompt, corrupted: prompt, answer: answer.answer, wrong: answer.wrong, tokenText: m.subject.tokenText)
      let measure = try metric.metric(for: group) { try model.forward([prompt], logits: .last) }
      let value = try measure.mean(logits), clean = try measure.mean(try model.forward([prompt], logits: selection))
      params.merge(group.params) { $1 }
      params["corrupted_ids"] = nil
      params["metric"] = metric.params
      let summary = MetricSummary(name: metric.kind.rawValue, answer: m.subject.tokenText(answer.answer),
                                  wrong: metric.kind == .logitDifference ? m.subject.tokenText(answer.wrong) : nil, clean: clean)
      results.append(AnalysisResult(kind: "forward.metric", metric: summary, axes: [], values: .scalar(value), params: params, model: m.subject.identity))
    }
    let elapsed = Int(Date().timeIntervalSince(started) * 1000)
    for i in results.indices { results[i].elapsedMs = elapsed }
    return .results(results)
  }

  /// `generate N [top=K]`: greedy decoding of N tokens after the prompt (fewer at the context
  /// limit), every step a forward pass of the whole sequence under the active interventions (as
  /// `Generation.greedy`, which it equals without them). Results over axes [step, rank]: rank 0 is
  /// the token chosen, ranks 1… the runners-up at that step:
  /// - `generate.greedy`: the tokens (their ids in `params.topk_ids`, the chosen ones in
  ///   `params.generated_ids`, the continuation's text in `params.text`);
  /// - `generate.logits`: their logits.
  func generate(_ a: CommandArguments) throws -> CommandOutput {
    let count = try a.reading { try a.positional(0)!.integer(in: 1...100_000) }
    let (m, prompt) = try promptTokens(a)
    let model = m.subject.model, context = m.subject.config.contextLength
    let top = try a.reading { try a.option("top")?.integer(in: 1...m.subject.config.vocabularySize) } ?? 1
    guard prompt.count < context else {
      throw AnalysisError.invalidArgument("the prompt has \(prompt.count) tokens and fills the context of \(context): nothing can be generated")
    }
    let started = Date()
    let steps = min(count, context - prompt.count)
    progress.start(total: steps)
    var sequence = prompt, candidates: [[Int]] = [], logits: [Double] = []
    for _ in 0..<steps where !progress.isCancelled {
      let row = try withInterventions(m, tokens: sequence) { try model.forward([sequence], logits: .last) }.values  // [1,1,V]
      let order = TopK.indices(row, count: top)
      candidates.append(order)
      logits += order.map { Double(row[$0]) }
      sequence.append(order[0])
      progress.advance()
    }
    let generated = candidates.map { $0[0] }
    let params: [String: JSONValue] = [
      "tokens": .integers(prompt), "count": .integer(count), "top_k": .integer(top), "generated_ids": .integers(generated),
      "topk_ids": .integerRows(candidates), "text": .string(m.tokenizer.decode(generated)), "interventions": interventionsJSON,
    ]
    let axes = [ResultAxis.indexed("step", count: generated.count), ResultAxis.indexed("rank", count: top)]
    let elapsed = Int(Date().timeIntervalSince(started) * 1000)
    let complete = generated.count == steps
    return .results([
      AnalysisResult(kind: "generate.greedy", axes: axes, values: ResultGrid(shape: [generated.count, top], cells: candidates.joined().map { .token(m.subject.tokenText($0)) }),
                     params: params, model: m.subject.identity, elapsedMs: elapsed, complete: complete),
      AnalysisResult(kind: "generate.logits", axes: axes, values: ResultGrid(shape: [generated.count, top], numbers: logits),
                     params: params, model: m.subject.identity, elapsedMs: elapsed, complete: complete),
    ])
  }
}
