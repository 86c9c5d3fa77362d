import TransformerEngine

/// Wang et al.'s direct effect λ_{l,h} = E_{p_IOI} ⟨LN_final(h(X)), W_U[IO] - W_U[S]⟩ at END
/// (`DirectLogitAttribution` per prompt, averaged), optionally with some heads mean-ablated over
/// the reference distribution (their z replaced by its per-template mean over p_ABC), which is how
/// the paper finds backup name movers: heads whose direct effect grows when the name movers are
/// knocked out.
enum IOIDirectAttribution {
  /// The mean head terms [L*NH], the same over the prompts of each name order ("abba", "baba":
  /// the template's prefix) [L*NH], and the mean logit difference of the (ablated) runs.
  static func mean(
    _ subject: AnalysisSubject, dataset: PromptDataset, ablating heads: [HeadIndex], reference: AblationReference
  ) throws -> (heads: [Double], byOrder: [String: [Double]], logitDifference: Double) {
    let L = subject.layers, NH = subject.heads, HS = subject.config.headDim
    var sum = [Double](repeating: 0, count: L * NH), ld = 0.0
    var orderSums: [String: [Double]] = [:], orderCounts: [String: Int] = [:]
    for pair in dataset.pairs {
      var hooks: [Hook] = []
      if !heads.isEmpty {
        let means = try AblationMode.mean(reference).replacementZ(subject: subject, prompts: [pair.clean], templates: [pair.template])  // [L] × [1,T,NH,HS]
        for (layer, group) in Dictionary(grouping: heads, by: \.layer) {
          let source = means[layer], list = group.map(\.head)
          hooks.append(Hook(.block(layer, .z)) { z, _ in
            let rows = z.shape[0] * z.shape[1]
            for row in 0..<rows {
              for h in list { for i in 0..<HS { z.values[(row * NH + h) * HS + i] = source.values[(row * NH + h) * HS + i] } }
            }
          })
        }
      }
      let results = try subject.model.withHooks(hooks) {
        try DirectLogitAttribution.run(subject, tokens: pair.clean, answer: pair.answer, wrong: pair.wrong)
      }
      let terms = results[1].values.cells.map { $0.number ?? .nan }  // dla.heads [L, NH]
      let order = String(pair.template.prefix { $0 != "." })
      orderSums[order] = zip(orderSums[order] ?? [Double](repeating: 0, count: L * NH), terms).map(+)
      orderCounts[order, default: 0] += 1
      for i in sum.indices { sum[i] += terms[i] }
      ld += results[1].metric?.clean ?? .nan
    }
    let n = Double(dataset.count)
    let byOrder = Dictionary(uniqueKeysWithValues: orderSums.map { order, total in (order, total.map { $0 / Double(orderCounts[order]!) }) })
    return (sum.map { $0 / n }, byOrder, ld / n)
  }
}
