import Foundation
import TransformerEngine

/// Direct logit attribution (Wang et al. 2023's λ for finding name movers; TransformerLens
/// `decompose_resid` / `stack_head_results` / `apply_ln_to_stack`): each piece of the final
/// residual stream (see `ResidualDecomposition`), centred and divided by ln_final's scale frozen
/// from the clean run, dotted with the direction w ⊙ (W_U[:, answer] - W_U[:, wrong]), where w is
/// ln_final's weight. TransformerLens assumes weights folded into W_U; HeadLab works on raw
/// weights and applies w itself. ln_final's bias (b · (W_U[:, answer] - W_U[:, wrong])) and the
/// unembedding bias (b_U[answer] - b_U[wrong]; the engine's GPT-2 has no b_U, so it is 0) are
/// terms of their own, so the terms sum to the logit difference of the clean run.
///
/// Results: `dla` over the component axis ("embed", "pos_embed", "l.h" …, "attn_bias{l}",
/// "mlp{l}", "ln_final_bias", "unembed_bias") and `dla.heads`, the head terms as [L, NH].
public enum DirectLogitAttribution {
  public static func run(
    _ subject: AnalysisSubject, tokens: [Int], answer: Int, wrong: Int, position: Int? = nil
  ) throws -> [AnalysisResult] {
    let start = DispatchTime.now()
    try subject.check(token: answer, role: "answer")
    try subject.check(token: wrong, role: "wrong")
    let decomposition = try ResidualDecomposition(subject, tokens: tokens, position: position)
    let model = subject.model, L = subject.layers, NH = subject.heads, C = subject.config.modelDim
    // direction [C] = w ⊙ (W_U[:, answer] - W_U[:, wrong]); W_U is stored [V, C].
    let unembedding = model.parameters.pointer(model.unembeddingName)
    let w = model.parameters.pointer(.finalNormWeight), b = model.parameters.pointer(.finalNormBias)
    let difference = (0..<C).map { unembedding[answer * C + $0] - unembedding[wrong * C + $0] }
    let direction = (0..<C).map { w[$0] * difference[$0] }

    let K = decomposition.labels.count
    var terms = (0..<K).map { k -> Double in
      (0..<C).reduce(0.0) { $0 + Double(decomposition.scaled.values[k * C + $1]) * Double(direction[$1]) }
    }
    terms.append((0..<C).reduce(0.0) { $0 + Double(b[$1]) * Double(difference[$1]) })
    terms.append(0)  // b_U[answer] - b_U[wrong]: the engine's unembedding has no bias.
    let labels = decomposition.labels + ["ln_final_bias", "unembed_bias"]
    let logitDifference = Double(decomposition.logits[answer]) - Double(decomposition.logits[wrong])

    let metric = MetricSummary(name: "logit_diff", answer: subject.tokenText(answer), wrong: subject.tokenText(wrong), clean: logitDifference)
    let params: [String: JSONValue] = [
      "tokens": .integers(tokens), "position": .integer(decomposition.position),
      "answer": .integer(answer), "wrong": .integer(wrong),
      "ln_final_scale": .number(decomposition.finalScale), "sum_of_terms": .number(terms.reduce(0, +)),
    ]
    let elapsed = elapsedMilliseconds(since: start)
    let headTerms = Array(terms[2..<(2 + L * NH)])
    return [
      AnalysisResult(kind: "dla", metric: metric, axes: [ResultAxis(name: "component", labels: labels)],
                     values: ResultGrid(shape: [labels.count], numbers: terms), params: params, model: subject.identity, elapsedMs: elapsed),
      AnalysisResult(kind: "dla.heads", metric: metric, axes: [.layers(L), .heads(NH)],
                     values: ResultGrid(shape: [L, NH], numbers: headTerms), params: params, model: subject.identity, elapsedMs: elapsed),
    ]
  }
}
