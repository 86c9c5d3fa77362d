import Foundation
import TransformerEngine

/// The logit lens (nostalgebraist 2020; TransformerLens `accumulated_resid` +
/// `apply_ln_to_stack(recompute_ln=True)`): the accumulated residual stream at one position,
/// read after each layer as if it were the last. For resid_pre 0..L-1 and the final resid_post,
/// ln_final is recomputed on that residual (its weight and bias applied) and the unembedding
/// gives logits over the vocabulary.
///
/// Results (a list):
/// - `lens` (only with an answer): axes [resid, quantity], resid labelled "0_pre" … "{L-1}_pre",
///   "final_post" as in TransformerLens, quantity = logit, prob (softmax over the vocabulary),
///   rank (tokens with a strictly larger logit; 0 = the top token, as TransformerLens prints it);
/// - `lens.topk`: axes [resid, rank], the top-k tokens as token cells (ties go to the lower id);
/// - `lens.topk_prob`: the same cells' probabilities.
public enum LogitLens {
  public static func run(
    _ subject: AnalysisSubject, tokens: [Int], answer: Int? = nil, position: Int? = nil, topK: Int = 10
  ) throws -> [AnalysisResult] {
    let start = DispatchTime.now()
    try subject.check(tokens: tokens)
    let p = try subject.resolve(position: position, count: tokens.count)
    if let answer { try subject.check(token: answer, role: "answer") }
    let L = subject.layers, V = subject.config.vocabularySize
    guard topK >= 1, topK <= V else { throw AnalysisError.invalidArgument("top-k must be between 1 and the vocabulary size \(V), got \(topK)") }

    let (_, cache) = try subject.model.runWithCache([tokens], sites: Set(residualSites(layers: L)), logits: .positions([p]))
    let logits = try layerLogits(subject, cache: cache, position: p)  // [L+1, V]

    let labels = (0..<L).map { "\($0)_pre" } + ["final_post"]
    var quantities = [Double](), topTokens = [ResultCell](), topProbabilities = [Double]()
    for r in 0...L {
      let row = Array(logits[(r * V)..<((r + 1) * V)])
      let logProbabilities = Metric.logSoftmax(row)
      let order = TopK.indices(row, count: topK)
      topTokens += order.map { .token(subject.tokenText($0)) }
      topProbabilities += order.map { exp(Double(logProbabilities[$0])) }
      if let answer {
        let rank = row.filter { $0 > row[answer] }.count
        quantities += [Double(row[answer]), exp(Double(logProbabilities[answer])), Double(rank)]
      }
    }

    var params: [String: JSONValue] = ["tokens": .integers(tokens), "position": .integer(p), "top_k": .integer(topK)]
    if let answer { params["answer"] = .integer(answer) }
    let resid = ResultAxis(name: "resid", labels: labels)
    let rank = ResultAxis.indexed("rank", count: topK)
    let elapsed = elapsedMilliseconds(since: start)
    func result(_ kind: String, _ axes: [ResultAxis], _ values: ResultGrid) -> AnalysisResult {
      AnalysisResult(kind: kind, axes: axes, values: values, params: params, model: subject.identity, elapsedMs: elapsed)
    }
    var results = [AnalysisResult]()
    if let answer {
      var lens = result("lens", [resid, ResultAxis(name: "quantity", labels: ["logit", "prob", "rank"])],
                        ResultGrid(shape: [L + 1, 3], numbers: quantities))
      lens.metric = MetricSummary(name: "logit", answer: subject.tokenText(answer))
      results.append(lens)
    }
    results.append(result("lens.topk", [resid, rank], ResultGrid(shape: [L + 1, topK], cells: topTokens)))
    results.append(result("lens.topk_prob", [resid, rank], ResultGrid(shape: [L + 1, topK], numbers: topProbabilities)))
    return results
  }

  /// The sites the lens reads: resid_pre of every block, then the last block's resid_post.
  public static func residualSites(layers L: Int) -> [HookSite] {
    (0..<L).map { HookSite.block($0, .residPre) } + [HookSite.block(L - 1, .residPost)]
  }

  /// The lens's logits [L+1, V] at position `p` from a cache of a single prompt holding
  /// `residualSites`: ln_final recomputed on each residual, then the unembedding.
  static func layerLogits(_ subject: AnalysisSubject, cache: ActivationCache, position p: Int) throws -> [Float] {
    let L = subject.layers, C = subject.config.modelDim
    // rows [L+1, C]: the residual at position p before each block, then after the last.
    var rows = [Float]()
    rows.reserveCapacity((L + 1) * C)
    for site in residualSites(layers: L) {
      guard let tensor = cache[site] else { throw AnalysisError.invalidArgument("the logit lens needs \(site) in the cache") }
      rows += tensor.values[(p * C)..<((p + 1) * C)]
    }
    let logits = subject.model.unembedRows(subject.model.finalNorm(rows, rows: L + 1), rows: L + 1)
    if logits.contains(where: { !$0.isFinite }) { throw AnalysisError.nonFinite("the logit-lens logits at position \(p)") }
    return logits
  }

  /// The answer's rank after each layer ([L+1]: before each block, then after the last; 0 is the
  /// top token), read from a cache of one prompt that holds `residualSites` — what `run`
  /// reports as the `rank` quantity, without a forward pass of its own.
  public static func answerRanks(_ subject: AnalysisSubject, cache: ActivationCache, position p: Int, answer: Int) throws -> [Int] {
    try subject.check(token: answer, role: "answer")
    let V = subject.config.vocabularySize
    let logits = try layerLogits(subject, cache: cache, position: p)
    return (0...subject.layers).map { r in
      let row = logits[(r * V)..<((r + 1) * V)]
      let target = row[row.startIndex + answer]
      return row.reduce(0) { $0 + ($1 > target ? 1 : 0) }
    }
  }
}
