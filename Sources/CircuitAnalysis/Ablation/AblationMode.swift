import TransformerEngine

/// What replaces an ablated head's output `z` (Wang et al. 2022, section 3; Heimersheim & Nanda
/// 2024 on ablation choices).
public enum AblationMode: Sendable, Equatable {
  /// z = 0 (what a head gate of 0 does).
  case zero
  /// z = its mean over the reference prompts, per template and position: a prompt of template τ
  /// gets the mean over the reference prompts of template τ (Wang et al.: averaging across
  /// templates would mix activations of different token types). Without template ids, the mean
  /// over all reference prompts.
  case mean(AblationReference)
  /// z = its value on a reference prompt drawn at random (seeded) for each prompt, of the same
  /// template where templates are given.
  case resample(AblationReference, seed: UInt64)

  public var name: String {
    switch self {
    case .zero: return "zero"
    case .mean: return "mean"
    case .resample: return "resample"
    }
  }

  var params: [String: JSONValue] {
    switch self {
    case .zero: return ["mode": "zero"]
    case .mean(let reference): return ["mode": "mean", "reference": .string(reference.name)]
    case .resample(let reference, let seed): return ["mode": "resample", "reference": .string(reference.name), "seed": .integer(Int(seed))]
    }
  }

  /// The replacement z of every layer for each prompt row, [L] × [B,T,NH,HS] (T the longest
  /// prompt; a row's positions past its length stay 0, they are padding).
  func replacementZ(subject: AnalysisSubject, prompts: [[Int]], templates: [String]?) throws -> [Tensor] {
    let L = subject.layers, B = prompts.count, T = prompts.map(\.count).max()!
    let shape = HookSite.block(0, .z).shape(batch: B, positions: T, config: subject.config)
    let reference: AblationReference
    switch self {
    case .zero: return Array(repeating: Tensor(shape: shape), count: L)
    case .mean(let r), .resample(let r, _): reference = r
    }
    if case .mean(let r) = self, let means = r.means {
      return try means.replacementZ(shape: shape, prompts: prompts, templates: templates, layers: L, position: subject.heads * subject.config.headDim, name: r.name)
    }
    // Which reference rows stand for each prompt row: those of its length (and template).
    let pools: [[Int]] = try (0..<B).map { b in
      let length = prompts[b].count
      let pool = reference.tokens.indices.filter { r in
        reference.tokens[r].count == length && (templates == nil || reference.templates == nil || reference.templates![r] == templates![b])
      }
      if pool.isEmpty {
        let template = templates.map { " of template \($0[b])" } ?? ""
        throw AnalysisError.emptyDataset("the ablation reference \(reference.name) has no prompt\(template) with \(length) tokens like prompt \(b) (its lengths: \(Set(reference.tokens.map(\.count)).sorted()))")
      }
      return pool
    }
    var chosen = pools
    if case .resample(_, let seed) = self {
      var rng = SplitMix64(seed: seed)
      chosen = pools.map { [$0[Int(rng.next() % UInt64($0.count))]] }
    }
    let used = Array(Set(chosen.joined())).sorted()
    let slot = Dictionary(uniqueKeysWithValues: used.enumerated().map { ($0.element, $0.offset) })
    let references = PaddedBatch(used.map { reference.tokens[$0] })
    let (_, cache) = try subject.model.runWithCache(references, sites: Set((0..<L).map { HookSite.block($0, .z) }))
    let position = subject.heads * subject.config.headDim  // one position's z: NH × HS
    let referenceRow = references.positions * position, row = T * position
    return (0..<L).map { l in
      let z = cache[HookSite.block(l, .z)]!  // [R,T_ref,NH,HS] over the used reference rows
      var out = Tensor(shape: shape)
      for b in 0..<B {
        let count = prompts[b].count * position
        var acc = [Double](repeating: 0, count: count)
        for r in chosen[b] { for i in 0..<count { acc[i] += Double(z.values[slot[r]! * referenceRow + i]) } }
        for i in 0..<count { out.values[b * row + i] = Float(acc[i] / Double(chosen[b].count)) }
      }
      return out
    }
  }
}

/// The reference distribution of mean and resample ablation (for IOI, p_ABC): token rows with an
/// optional template id per row; rows of another length than the ablated prompts are skipped.
public struct AblationReference: Sendable, Equatable {
  public var tokens: [[Int]]
  public var templates: [String]?
  /// A name for `params` (a dataset name and seed, or a file).
  public var name: String
  /// Its per-template means, when computed ahead (`computingMeans(subject:)`).
  public internal(set) var means: AblationMeans?

  public init(tokens: [[Int]], templates: [String]? = nil, name: String) throws {
    guard !tokens.isEmpty else { throw AnalysisError.emptyDataset("the ablation reference \(name) has no prompts") }
    if let templates, templates.count != tokens.count {
      throw AnalysisError.invalidArgument("the ablation reference has \(tokens.count) prompts but \(templates.count) template ids")
    }
    self.tokens = tokens
    self.templates = templates
    self.name = name
  }
}
