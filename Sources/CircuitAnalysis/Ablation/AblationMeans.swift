import TransformerEngine

/// The statistic mean ablation replaces an activation with, computed once from a whole reference
/// distribution: the activation at each chosen hook site (by default every layer's `z`) summed
/// (Float64) over the reference prompts of each template and length (Wang et al. 2022, section 3:
/// the mean per template and position). A dataset-level run computes it from the whole dataset
/// and every shard of the run uses it, so no shard ever ablates with the mean of its own part, and
/// the reference is run through the model once instead of once per block of ablated prompts.
/// Circuit evaluation (`CircuitEvaluation`) takes the same means of the embedding and the MLP
/// outputs besides `z`.
public struct AblationMeans: Sendable, Equatable {
  /// The reference rows of one template (nil without templates) and length.
  struct Group: Hashable, Sendable {
    let template: String?
    let length: Int
  }

  /// sums[group][site]: Σ over the group's rows of the activation at `site`.  [length · values per position]
  let sums: [Group: [HookSite: [Double]]]
  let counts: [Group: Int]

  /// Runs `reference`'s rows (grouped by template and length, in blocks of
  /// `PromptPairBatch.blockSize` rows) through `subject` and sums each layer's `z`.
  public init(reference: AblationReference, subject: AnalysisSubject) throws {
    try self.init(reference: reference, subject: subject, sites: (0..<subject.layers).map { HookSite.block($0, .z) })
  }

  /// The same sums of the activation at each of `sites`, which must be indexed by prompt and
  /// position first ([B,T,...]: not the attention scores or pattern).
  public init(reference: AblationReference, subject: AnalysisSubject, sites: [HookSite]) throws {
    var rows: [Group: [Int]] = [:]
    for r in reference.tokens.indices { rows[Group(template: reference.templates?[r], length: reference.tokens[r].count), default: []].append(r) }
    var sums: [Group: [HookSite: [Double]]] = [:]
    for (group, members) in rows {
      var total: [HookSite: [Double]] = [:]
      for site in sites { total[site] = [Double](repeating: 0, count: group.length * Self.valuesPerPosition(site, subject.config)) }
      for start in stride(from: 0, to: members.count, by: PromptPairBatch.blockSize) {
        let block = members[start..<min(members.count, start + PromptPairBatch.blockSize)].map { reference.tokens[$0] }
        let (_, cache) = try subject.model.runWithCache(block, sites: Set(sites))
        for site in sites {
          let values = cache[site]!.values  // [b, length, ...], no padding: one length per group
          let row = total[site]!.count
          total[site]!.withUnsafeMutableBufferPointer { sum in
            for b in block.indices { for i in 0..<row { sum[i] += Double(values[b * row + i]) } }
          }
        }
      }
      sums[group] = total
    }
    self.sums = sums
    counts = rows.mapValues(\.count)
  }

  static func valuesPerPosition(_ site: HookSite, _ config: ModelConfig) -> Int {
    site.shape(batch: 1, positions: 1, config: config).reduce(1, *)
  }

  /// The mean `z` of every layer for each prompt row, [L] × [B,T,NH,HS] (`shape`): the mean over
  /// the reference rows of the row's length and template (over all templates where either side
  /// has none), as `AblationMode.replacementZ` pools them; padding positions stay 0.
  func replacementZ(shape: [Int], prompts: [[Int]], templates: [String]?, layers L: Int, position: Int, name: String) throws -> [Tensor] {
    try means(at: (0..<L).map { HookSite.block($0, .z) }, shape: shape, prompts: prompts, templates: templates, position: position, name: name)
  }

  /// The mean activation at each of `sites` for each prompt row, each [B,T,...] (`shape`, with
  /// `position` values per position): the mean over the reference rows of the row's length and
  /// template (over all templates where either side has none); padding positions stay 0.
  func means(at sites: [HookSite], shape: [Int], prompts: [[Int]], templates: [String]?, position: Int, name: String) throws -> [Tensor] {
    let T = shape[1]
    var out = Array(repeating: Tensor(shape: shape), count: sites.count)
    for b in prompts.indices {
      let length = prompts[b].count
      let groups = sums.keys.filter { $0.length == length && (templates == nil || $0.template == nil || $0.template == templates![b]) }
      let count = groups.map { counts[$0]! }.reduce(0, +)
      guard count > 0 else {
        let template = templates.map { " of template \($0[b])" } ?? ""
        throw AnalysisError.emptyDataset("the ablation reference \(name) has no prompt\(template) with \(length) tokens like prompt \(b) (its lengths: \(Set(sums.keys.map(\.length)).sorted()))")
      }
      for (k, site) in sites.enumerated() {
        let siteSums = groups.map { sums[$0]![site]! }
        for i in 0..<(length * position) {
          out[k].values[b * T * position + i] = Float(siteSums.reduce(0.0) { $0 + $1[i] } / Double(count))
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
