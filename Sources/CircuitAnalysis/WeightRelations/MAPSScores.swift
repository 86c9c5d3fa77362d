import Foundation
import TransformerEngine

/// MAPS relation scores (Elhelo & Geva, "Inferring Functionality of Attention Heads from their
/// Parameters", ACL 2025, arXiv 2412.11965; papers.md section 10). Each head's vocabulary map is
/// M = E'·W_V W_O·W_U, with E' = W_E at layer 0 and MLP0(LN2_0(W_E)) after it (`MAPSSettings`).
/// - Static score of a relation R = {(s, t)}: the fraction of pairs whose t is in the top k of row
///   s of M over the whole vocabulary (fewer than k tokens strictly above it); k = 1 for copying
///   relations and 10 otherwise. The suppression score runs the same test on −M.
/// - Dynamic score (optional, `MAPSDynamicScore`): the same test on each head's actual output at
///   the last position of a prompt per pair and template, with its natural attention and with
///   attention forced onto the source token.
/// Pairs whose sides are not single tokens were dropped when the relation was built; the paper
/// asks for at least 30 valid pairs, and a relation with fewer is scored and flagged.
public enum MAPSScores {
  /// Returns `weights.maps` [variant(relation, suppression), layer, head] and, with
  /// `settings.dynamic`, `weights.maps.dynamic` [attention(natural, forced), variant, layer,
  /// head]. `params`: relation, origin, pairs, n, k, dropped (count) and dropped_reasons,
  /// below_minimum and (when set) warning. `templates` are the dynamic score's prompts (e.g.
  /// `MAPSPromptTemplate.standard`); `progress` counts layers and one unit for the dynamic score.
  public static func run(
    subject: AnalysisSubject, relation: TokenRelation, templates: [MAPSPromptTemplate] = [], settings: MAPSSettings = MAPSSettings(),
    progress: AnalysisProgress = .none
  ) throws -> [AnalysisResult] {
    let start = DispatchTime.now()
    let L = subject.layers, NH = subject.heads
    try settings.validate(vocabulary: subject.config.vocabularySize)
    let n = relation.pairs.count
    guard n > 0 else {
      throw AnalysisError.emptyDataset("relation '\(relation.name)' has no pair of single tokens: \(dropSummary(relation))")
    }
    let warning = n < settings.minimumPairs ? "relation '\(relation.name)' has only \(n) valid pairs, fewer than the minimum \(settings.minimumPairs) (MAPS); \(dropSummary(relation))" : nil
    if let warning, settings.strictMinimum { throw AnalysisError.invalidArgument(warning) }
    if settings.dynamic, templates.isEmpty { throw AnalysisError.invalidArgument("the dynamic score needs at least one prompt template") }
    for pair in relation.pairs {
      try subject.check(token: pair.source, role: "relation '\(relation.name)' source")
      try subject.check(token: pair.target, role: "relation '\(relation.name)' target")
    }
    let k = settings.k(for: relation)
    progress.start(total: L + (settings.dynamic ? 1 : 0))
    let sources = relation.pairs.map(\.source), targets = relation.pairs.map(\.target)
    let hits = try HeadVocabularyHits.staticMap(
      subject, sources: sources, targets: targets, k: k, addingTokenEmbedding: settings.addingTokenEmbedding,
      rawEmbeddingAtLayerZero: settings.rawEmbeddingAtLayerZero, blockColumns: settings.blockColumns, progress: progress)

    var params = settings.params
    params["relation"] = .string(relation.name)
    params["origin"] = .string(relation.origin)
    params["pairs"] = .integerRows(relation.pairs.map { [$0.source, $0.target] })
    params["n"] = .integer(n)
    params["top_k"] = .integer(k)
    params["copying"] = .bool(relation.isCopying)
    params["dropped"] = .integer(relation.dropped.count)
    params["dropped_reasons"] = .strings(relation.dropped.map(\.description))
    params["below_minimum"] = .bool(warning != nil)
    if let warning { params["warning"] = .string(warning) }
    params["method"] = "MAPS static score (Elhelo & Geva 2025): fraction of pairs (s, t) with fewer than top_k tokens strictly above t in row s of E' W_V W_O W_U over the whole vocabulary (suppression: of -M); no biases, no final LayerNorm"
    let variant = ResultAxis(name: "variant", labels: ["relation", "suppression"])
    var results = [AnalysisResult(
      kind: "weights.maps", axes: [variant, .layers(L), .heads(NH)],
      values: ResultGrid(shape: [2, L, NH], numbers: (hits.hits + hits.suppression).map { Double($0) / Double(n) }),
      params: params, model: subject.identity)]
    results[0].count = n

    if settings.dynamic {
      let dynamic = try MAPSDynamicScore.hits(subject, pairs: relation.pairs, templates: templates, k: k, blockColumns: settings.blockColumns, progress: progress)
      let prompts = Double(n * templates.count)
      var dynamicParams = params
      dynamicParams["templates"] = .strings(templates.map(\.text))
      dynamicParams["template_ids"] = .array(templates.map { ["prefix": .integers($0.prefix), "suffix": .integers($0.suffix)] })
      dynamicParams["method"] = "MAPS dynamic score: the head's z at the last position (natural; forced: last-position attention set to the source token at every layer with the clean z restored after each hook_z) times W_O^h, read through W_U; fraction of the n x templates prompts whose target is in the top_k (suppression: of the negated row)"
      var result = AnalysisResult(
        kind: "weights.maps.dynamic", axes: [ResultAxis(name: "attention", labels: ["natural", "forced"]), variant, .layers(L), .heads(NH)],
        values: ResultGrid(shape: [2, 2, L, NH], numbers: dynamic.flatMap { $0.flatMap { $0 } }.map { Double($0) / prompts }),
        params: dynamicParams, model: subject.identity)
      result.count = n * templates.count
      results.append(result)
    }
    let elapsed = elapsedMilliseconds(since: start)
    for i in results.indices { results[i].elapsedMs = elapsed }
    return results
  }

  /// "d pairs dropped (reasons)" for messages.
  static func dropSummary(_ relation: TokenRelation) -> String {
    let shown = relation.dropped.prefix(5).map(\.description).joined(separator: "; ")
    let more = relation.dropped.count > 5 ? "; and \(relation.dropped.count - 5) more" : ""
    return relation.dropped.isEmpty ? "no pair was dropped" : "\(relation.dropped.count) pair\(relation.dropped.count == 1 ? " was" : "s were") dropped because a side is not a single token (\(shown)\(more))"
  }
}
