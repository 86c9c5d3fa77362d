import TransformerEngine

/// Wang et al.'s (2023, section 4) criteria for a circuit C of heads in the model M, with
/// F(X) = the mean logit difference over p_IOI when every head outside X is mean-ablated over
/// p_ABC (per template and position; `AblationMode.mean`):
///
/// - faithfulness: F(C) / F(M) (and (F(C) - F(∅)) / (F(M) - F(∅)), the normalised form);
/// - completeness: |F(C \ K) - F(M \ K)| for subsets K ⊆ C: K = ∅, each class, and a few random
///   subsets (each head in with probability 1/2, seeded); the paper also runs a greedy search for
///   the worst K, which this leaves out;
/// - minimality: for every v ∈ C, the largest |F(C \ (K ∪ {v})) - F(C \ K)| over K = ∅, v's class
///   without v, and the random subsets without v.
///
/// Heads are ablated at every position (Wang et al. keep circuit heads only at their positions;
/// HeadLab's circuit is a set of heads).
struct IOICircuitChecks {
  struct Completeness {
    let label: String
    let heads: [HeadIndex]
    let circuitWithout: Double  // F(C \ K)
    let modelWithout: Double    // F(M \ K)
  }
  struct Minimality {
    let head: HeadIndex
    let subset: String
    let effect: Double  // |F(C \ (K ∪ {v})) - F(C \ K)|
  }

  let fullModel: Double
  let circuit: Double
  let empty: Double
  let completeness: [Completeness]
  let minimality: [Minimality]

  init(
    subject: AnalysisSubject, groups: [PromptPairBatch], mode: AblationMode, circuit: [HeadIndex],
    classes: [(IOIHeadClass, [HeadIndex])], subsets: Int, seed: UInt64
  ) throws {
    let all = (0..<subject.layers).flatMap { l in (0..<subject.heads).map { HeadIndex(l, $0) } }
    let inCircuit = Set(circuit)
    let outside = all.filter { !inCircuit.contains($0) }
    var variants: [[HeadIndex]] = [], index: [Set<HeadIndex>: Int] = [:]
    func ablating(_ heads: [HeadIndex]) -> Int {  // the variant ablating exactly these heads
      let key = Set(heads)
      if let i = index[key] { return i }
      index[key] = variants.count
      variants.append(key.sorted())
      return variants.count - 1
    }
    func withoutInCircuit(_ k: [HeadIndex]) -> Int { ablating(outside + k) }  // F(C \ K)

    var rng = SplitMix64(seed: seed)
    let random: [[HeadIndex]] = (0..<subsets).map { _ in circuit.filter { _ in rng.next() % 2 == 0 } }
    var subsetList: [(String, [HeadIndex])] = [("none", [])]
    subsetList += classes.filter { !$0.1.isEmpty }.map { ("class \($0.0.rawValue)", $0.1) }
    subsetList += random.enumerated().map { ("random \($0.offset)", $0.element) }

    let m = ablating([]), c = withoutInCircuit([]), e = ablating(all)
    let completenessCells = subsetList.map { ($0.0, $0.1, withoutInCircuit($0.1), ablating($0.1)) }
    var minimalityCells: [(HeadIndex, [(String, Int, Int)])] = []
    for v in circuit {
      let own = classes.first { $0.1.contains(v) }.map { ("class \($0.0.rawValue) without \(v)", $0.1.filter { $0 != v }) }
      var candidates: [(String, [HeadIndex])] = [("none", [])]
      if let own, !own.1.isEmpty { candidates.append(own) }
      candidates += random.enumerated().map { ("random \($0.offset) without \(v)", $0.element.filter { $0 != v }) }
      minimalityCells.append((v, candidates.map { ($0.0, withoutInCircuit($0.1 + [v]), withoutInCircuit($0.1)) }))
    }

    let rows = try HeadAblation.perRow(subject: subject, groups: groups, metric: .logitDifference, mode: mode, positions: nil,
                                       variants: variants, progress: .none)
    let f: [Double] = try rows.values.enumerated().map { i, values in
      guard let values, !values.isEmpty else { throw AnalysisError.cancelled(completed: i, total: variants.count) }
      return values.reduce(0, +) / Double(values.count)
    }
    fullModel = f[m]
    self.circuit = f[c]
    empty = f[e]
    completeness = completenessCells.map { Completeness(label: $0.0, heads: $0.1, circuitWithout: f[$0.2], modelWithout: f[$0.3]) }
    minimality = minimalityCells.map { head, candidates in
      let best = candidates.map { ($0.0, abs(f[$0.1] - f[$0.2])) }.max { $0.1 < $1.1 }!
      return Minimality(head: head, subset: best.0, effect: best.1)
    }
  }

  var faithfulness: Double { circuit / fullModel }
  var normalisedFaithfulness: Double { (circuit - empty) / (fullModel - empty) }
  var worstCompletenessGap: Double { completeness.map { abs($0.circuitWithout - $0.modelWithout) }.max() ?? 0 }
}
