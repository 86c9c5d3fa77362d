import TransformerEngine

/// The MAPS dynamic relation score (Elhelo & Geva 2025, section 4; `amitelhelo/MAPS`
/// `calc_dynamic_relation_scores_from_prompts`): for each pair, a prompt with the source word in a
/// template; each head's output at the last position, z·W_O^h, read through W_U (no bias, no
/// final LayerNorm) with the same top-k test as the static score. Two readings:
/// - natural: the head's z in the clean forward pass;
/// - forced: the head's z with its last-position attention set to 1 on the source token and 0
///   elsewhere (a `hook_pattern` hook at every layer), while a `hook_z` hook records that z and
///   puts the clean z back, so every head reads the clean residual stream (as MAPS does).
enum MAPSDynamicScore {
  static let batchRows = 64

  /// Hits [reading(natural, forced)][variant(relation, suppression)][L * NH], over
  /// pairs × templates prompts.
  static func hits(
    _ subject: AnalysisSubject, pairs: [RelationPair], templates: [MAPSPromptTemplate], k: Int, blockColumns: Int, progress: AnalysisProgress
  ) throws -> [[[Int]]] {
    let model = subject.model, L = subject.layers, NH = subject.heads, HS = subject.config.headDim, C = subject.config.modelDim
    // Head-space vectors of every prompt, per reading and head: [2][L * NH][prompts * HS].
    var vectors = [[[Float]]](repeating: [[Float]](repeating: [], count: L * NH), count: 2)
    var targets: [Int] = []
    for template in templates {
      let T = template.prefix.count + 1 + template.suffix.count, source = template.prefix.count
      for chunk in stride(from: 0, to: pairs.count, by: batchRows) {
        if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: L) }
        let rows = Array(pairs[chunk..<min(chunk + batchRows, pairs.count)])
        let tokens = rows.map { template.prompt($0.source) }
        try subject.check(tokens: tokens[0])
        let B = rows.count
        let zSites = (0..<L).map { HookSite.block($0, .z) }
        let (_, clean) = try model.runWithCache(tokens, sites: Set(zSites), logits: .positions([]))
        let forced = ForcedZ(layers: L)
        var hooks: [Hook] = []
        for l in 0..<L {
          hooks.append(Hook(.block(l, .pattern)) { pattern, _ in
            for b in 0..<B {
              for h in 0..<NH {
                let row = ((b * NH + h) * T + (T - 1)) * T
                for j in 0..<T { pattern.values[row + j] = j == source ? 1 : 0 }
              }
            }
          })
          let cleanZ = clean[zSites[l]]!
          hooks.append(Hook(zSites[l]) { z, _ in
            forced.store(l, z)
            z = cleanZ
          })
        }
        _ = try model.withHooks(hooks) { try model.forward(tokens, logits: .positions([])) }
        for l in 0..<L {
          let natural = clean[zSites[l]]!.values, recorded = forced.z[l]!.values  // [B, T, NH, HS]
          for h in 0..<NH {
            for b in 0..<B {
              let offset = (b * T + T - 1) * C + h * HS
              vectors[0][l * NH + h] += natural[offset..<(offset + HS)]
              vectors[1][l * NH + h] += recorded[offset..<(offset + HS)]
            }
          }
        }
        targets += rows.map(\.target)
      }
    }
    let ranks = VocabularyRanks(model: model, k: k, blockColumns: blockColumns)
    var hits = [[[Int]]](repeating: [[Int]](repeating: [Int](repeating: 0, count: L * NH), count: 2), count: 2)
    for reading in 0..<2 {
      for l in 0..<L {
        let counts = ranks.counts(layer: l, heads: (0..<NH).map { ($0, vectors[reading][l * NH + $0], targets) })
        for (h, c) in counts.enumerated() {
          hits[reading][0][l * NH + h] = c.hits(k: k)
          hits[reading][1][l * NH + h] = c.suppressionHits(k: k)
        }
      }
    }
    progress.advance()
    return hits
  }
}

/// The z each layer's hook recorded in the forced pass.
private final class ForcedZ: @unchecked Sendable {
  var z: [Int: Tensor] = [:]
  init(layers: Int) {}
  func store(_ layer: Int, _ tensor: Tensor) { z[layer] = tensor }
}
