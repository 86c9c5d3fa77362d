import Foundation
import TransformerEngine

/// Sparse attention decomposition (Franco & Crovella 2024, "Sparse Attention Decomposition
/// Applied to Circuit Tracing", arXiv 2410.00340; papers.md section 10) of one head on one prompt.
///
/// The head's score from destination i to source j is a sum of one term per singular direction of
/// its augmented, LayerNorm-folded QK matrix (`AugmentedQK`): σ_k (x̃_i·u_k)(x̃_j·v_k). For each
/// firing (pattern ≥ 0.5, source not 0) the terms are sorted, largest first, and the fewest whose
/// sum reaches 70% of the score are selected: the "sparse" directions the firing runs on.
///
/// Tracing: x̂_p = Σ_c (c_p − mean(c_p)) / scale_p over the residual's parts c (`ResidualComponents`,
/// centred as the paper does, divided by the position's ln1 scale), and x̃'s appended 1 is the
/// part "qk_bias" (b_Q, b_K and ln1's bias through them). Part c's contribution to the selected
/// score is, on the query side (c at the destination i), Σ_{k∈S} σ_k (c̃_i·u_k)(x̃_j·v_k) and, on
/// the key side (c at the source j), Σ_{k∈S} σ_k (x̃_i·u_k)(c̃_j·v_k): each side's contributions
/// sum exactly to the selected score, the other side held at its actual value.
public enum SparseAttentionDecomposition {
  static let measures = ["pattern", "score", "score_from_directions", "selected_score", "directions", "heads_query", "remainder_query", "heads_key", "remainder_key"]

  /// Returns
  /// - `weights.decompose` [firing, side(query, key), component]: each part's contribution to the
  ///   firing's selected score (components: earlier heads "l.h", then the named remainder
  ///   "embed", "pos_embed", "attn_bias{l}", "mlp{l}", "qk_bias");
  /// - `weights.decompose.firings` [firing, measure]: pattern, score (`hook_attn_scores`), the score
  ///   rebuilt from every direction, the selected directions' part, their count, and the sums of
  ///   the head and remainder contributions on each side.
  /// `params` holds the singular values, each firing's selected directions and their terms, and
  /// `max_score_error`, the largest |score from directions − hook_attn_scores| over every causal
  /// pair of the prompt.
  public static func run(
    subject: AnalysisSubject, head: HeadIndex, prompt: [Int], settings: AttentionDecompositionSettings = AttentionDecompositionSettings(),
    progress: AnalysisProgress = .none
  ) throws -> [AnalysisResult] {
    let start = DispatchTime.now()
    try subject.check(head: head)
    try subject.check(tokens: prompt)
    try settings.validate()
    progress.start(total: 2)
    let model = subject.model, l = head.layer, h = head.head, T = prompt.count, C = subject.config.modelDim
    let qk = try AugmentedQK(model, layer: l, head: h)
    progress.advance()
    if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: 2) }
    let sites = ResidualComponents.sites(layer: l).union([.block(l, .residPre), .block(l, .ln1Scale), .block(l, .attnScores), .block(l, .pattern)])
    let (_, cache) = try model.runWithCache([prompt], sites: sites, logits: .positions([]))
    let parts = ResidualComponents(cache: cache, model: model, layer: l, positions: T)
    let residual = cache[.block(l, .residPre)]!.values  // [1, T, C]
    let scale = cache[.block(l, .ln1Scale)]!.values  // [1, T, 1]
    let scores = cache[.block(l, .attnScores)]!.values, pattern = cache[.block(l, .pattern)]!.values  // [1, NH, T, T]
    let D = C + 1, R = qk.directions
    let sigma = Array(qk.svd.values.prefix(R))

    /// x̃ of part values [C] at position t: centred, over the ln1 scale, 0 appended.
    func augmented(_ values: ArraySlice<Float>, position t: Int, constant: Double) -> [Double] {
      let x = values.map(Double.init)
      let mean = x.reduce(0, +) / Double(C)
      return x.map { ($0 - mean) / Double(scale[t]) } + [constant]
    }
    let full = (0..<T).map { t in augmented(residual[(t * C)..<((t + 1) * C)], position: t, constant: 1) }  // [T][D]
    let left = full.map(qk.leftProjections), right = full.map(qk.rightProjections)  // [T][R]

    var maxError = 0.0
    var firings: [(i: Int, j: Int)] = []
    for i in 0..<T {
      for j in 0...i {
        let rebuilt = (0..<R).reduce(0.0) { $0 + sigma[$1] * left[i][$1] * right[j][$1] }
        maxError = max(maxError, abs(rebuilt - Double(scores[(h * T + i) * T + j])))
        if Double(pattern[(h * T + i) * T + j]) >= settings.firingThreshold, j != 0 || !settings.excludingSourceZero { firings.append((i, j)) }
      }
    }

    let componentLabels = parts.labels + ["qk_bias"]
    let K = componentLabels.count
    var contributions: [Double] = []  // [F, 2, K]
    var rows: [Double] = []  // [F, measures]
    var selectedLists: [[Int]] = [], termLists: [JSONValue] = []
    for (i, j) in firings {
      let terms = (0..<R).map { sigma[$0] * left[i][$0] * right[j][$0] }
      let score = terms.reduce(0, +)
      var selected: [Int] = [], running = 0.0
      for k in terms.indices.sorted(by: { terms[$0] > terms[$1] }) {
        selected.append(k)
        running += terms[k]
        if running >= settings.scoreFraction * score { break }
      }
      selectedLists.append(selected)
      termLists.append(.array(selected.map { .number(terms[$0]) }))
      var query = [Double](repeating: 0, count: K), key = query  // [K] each
      for (c, values) in parts.values.enumerated() {
        let atI = augmented(values[(i * C)..<((i + 1) * C)], position: i, constant: 0)
        let atJ = augmented(values[(j * C)..<((j + 1) * C)], position: j, constant: 0)
        for k in selected {
          query[c] += sigma[k] * qk.left(atI, direction: k) * right[j][k]
          key[c] += sigma[k] * left[i][k] * qk.right(atJ, direction: k)
        }
      }
      // The appended constant 1: x̃'s last coordinate.
      for k in selected {
        query[K - 1] += sigma[k] * qk.svd.u[(D - 1) * qk.svd.rank + k] * right[j][k]
        key[K - 1] += sigma[k] * left[i][k] * qk.svd.vt[k * D + D - 1]
      }
      contributions += query + key
      let heads = parts.headCount
      func sum(_ x: [Double], _ range: Range<Int>) -> Double { x[range].reduce(0, +) }
      rows += [
        Double(pattern[(h * T + i) * T + j]), Double(scores[(h * T + i) * T + j]), score, running, Double(selected.count),
        sum(query, 0..<heads), sum(query, heads..<K), sum(key, 0..<heads), sum(key, heads..<K),
      ]
    }
    progress.advance()

    let tokens = prompt.map(subject.tokenText)
    let firingAxis = ResultAxis(name: "firing", labels: firings.map { "\($0.i):\(tokens[$0.i]) -> \($0.j):\(tokens[$0.j])" })
    var params = settings.params
    params["head"] = .string(head.description)
    params["prompt_ids"] = .integers(prompt)
    params["firings"] = .integerRows(firings.map { [$0.i, $0.j] })
    params["singular_values"] = .array(sigma.map(JSONValue.number))
    params["selected_directions"] = .integerRows(selectedLists)
    params["selected_terms"] = .array(termLists)
    params["max_score_error"] = .number(maxError)
    params["method"] = "sparse attention decomposition (Franco & Crovella 2024, arXiv 2410.00340): ln1 weight and bias folded into W_Q, W_K, b_Q, b_K; augmented Omega = [[W_Q W_K^T, W_Q b_K^T], [b_Q W_K^T, b_Q b_K]] / sqrt(d_head) on x = [normalized residual, 1]; its SVD (LAPACK dgesdd, float64) truncated to d_head directions; per firing the fewest largest terms sigma_k (x_i u_k)(x_j v_k) reaching score_fraction of the score"
    params["contribution"] = "query side: sum over selected k of sigma_k (c_i u_k)(x_j v_k); key side: sigma_k (x_i u_k)(c_j v_k); c = the part centred and divided by the position's ln1 scale (qk_bias: the appended 1); each side sums to the selected score"
    let elapsed = elapsedMilliseconds(since: start)
    let decomposition = AnalysisResult(
      kind: "weights.decompose", axes: [firingAxis, ResultAxis(name: "side", labels: ["query", "key"]), ResultAxis(name: "component", labels: componentLabels)],
      values: ResultGrid(shape: [firings.count, 2, K], numbers: contributions), params: params, model: subject.identity, elapsedMs: elapsed)
    let summary = AnalysisResult(
      kind: "weights.decompose.firings", axes: [firingAxis, ResultAxis(name: "measure", labels: measures)],
      values: ResultGrid(shape: [firings.count, measures.count], numbers: rows), params: params, model: subject.identity, elapsedMs: elapsed)
    return [decomposition, summary]
  }
}
