import TransformerEngine

/// The statistic mean ablation replaces a head's `z` with, computed once from a whole reference
/// distribution: every layer's `z` summed (Float64) over the reference prompts of each template
/// and length (Wang et al. 2022, section 3: the mean per template and position). A dataset-level
/// run computes it from the whole dataset and every shard of the run uses it, so no shard ever
/// ablates with the mean of its own part, and the reference is run through the model once
/// instead of once per block of ablated prompts.
public struct AblationMeans: Sendable, Equatable {
  /// The reference rows of one template (nil without templates) and length.
  struct Group: Hashable, Sendable {
    let template: String?
    let length: Int
  }

  /// sums[group][l]: Σ z over the group's rows at layer l.  [L] × [length·NH·HS]
  let sums: [Group: [[Double]]]
  let counts: [Group: Int]

  /// Runs `reference`'s rows (grouped by template and length, in blocks of
  /// `PromptPairBatch.blockSize` rows) through `subject` and sums each layer's `z`.
  public init(reference: AblationReference, subject: AnalysisSubject) throws {
    let L = subject.layers
    let sites = Set((0..<L).map { HookSite.block($0, .z) })
    var rows: [Group: [Int]] = [:]
    for r in reference.tokens.indices { rows[Group(template: reference.templates?[r], length: reference.tokens[r].count), default: []].append(r) }
    var sums: [Group: [[Double]]] = [:]
    for (group, members) in rows {
      var total = Array(repeating: [Double](repeating: 0, count: group.length * subject.heads * subject.config.headDim), count: L)
      for start in stride(from: 0, to: members.count, by: PromptPairBatch.blockSize) {
        let block = members[start..<min(members.count, start + PromptPairBatch.blockSize)].map { reference.tokens[$0] }
        let (_, cache) = try subject.model.runWithCache(block, sites: sites)
        for l in 0..<L {
          let z = cache[HookSite.block(l, .z)]!  // [b, length, NH, HS], no padding: one length per group
          let row = total[l].count
          for b in block.indices { for i in 0..<row { total[l][i] += Double(z.values[b * row + i]) } }
        }
      }
      sums[group] = total
    }
    self.sums = sums
    counts = rows.mapValues(\.count)
  }

  /// The mean `z` of every layer for each prompt row, [L] × [B,T,NH,HS] (`shape`): the mean over
  /// the reference rows of the row's length and template (over all templates where either side
  /// has none), as `AblationMode.replacementZ` pools them; padding positions stay 0.
  func replacementZ(shape: [Int], prompts: [[Int]], templates: [String]?, layers L: Int, position: Int, name: String) throws -> [Tensor] {
    let T = shape[1]
    var out = Array(repeating: Tensor(shape: shape), count: L)
    for b in prompts.indices {
      let length = prompts[b].count
      let groups = sums.keys.filter { $0.length == length && (templates == nil || $0.template == nil || $0.template == templates![b]) }
      let count = groups.map { counts[$0]! }.reduce(0, +)
      guard count > 0 else {
        let template = templates.map { " of template \($0[b])" } ?? ""
        throw AnalysisError.emptyDataset("the ablation reference \(name) has no prompt\(template) with \(length) tokens like prompt \(b) (its lengths: \(Set(sums.keys.map(\.length)).sorted()))")
      }
      for l in 0..<L {
        let layerSums = groups.map { sums[$0]![l] }
        for i in 0..<(length * position) {
          out[l].values[b * T * position + i] = Float(layerSums.reduce(0.0) { $0 + $1[i] } / Double(count))
        }
      }
    }
    return out
  }
}

extension AblationReference {
  /// This reference with its means computed now, once (see `AblationMeans`); mean ablation then
  /// reads them instead of running the reference again for every block of ablated prompts.
  public func computingMeans(subject: AnalysisSubject) throws -> AblationReference {
    var out = self
    out.means = try AblationMeans(reference: self, subject: subject)
    return out
  }
}
