import TransformerEngine

/// Runs many patched variants of one batch of prompts, stacked along the batch axis so the
/// matrix multiplies get tall inputs (the DESIGN's "stack patched variants" rule), and returns the
/// metric of every prompt row of every variant.
///
/// Rows are variant-major: the stacked batch of a chunk holds variant 0's B prompt rows, then
/// variant 1's, …. Each variant is a list of edits; every edit's source holds the B prompts'
/// activation at its site.
struct VariantRunner {
  let subject: AnalysisSubject
  /// The prompts every variant runs on, B rows (of up to T tokens), and the same right-padded.
  let rows: [[Int]]
  let batch: PaddedBatch
  let metric: Metric
  /// Logit differences are read from ln_final's output (`LogitDirectionReadout`), built once;
  /// other metrics from the logits at the last position (every position for loss).
  let readout: LogitDirectionReadout?
  /// Upper bound on B × variants × T token rows in one pass (bounds the activation memory).
  var tokenRowsPerPass = 2048

  init(subject: AnalysisSubject, rows: [[Int]], metric: Metric) throws {
    self.subject = subject
    self.rows = rows
    self.batch = PaddedBatch(rows)
    self.metric = metric
    readout = metric.kind == .logitDifference ? LogitDirectionReadout(model: subject.model, answers: metric.answers, wrongs: metric.wrongs) : nil
    _ = try subject.model.validate(tokens: batch.tokens)
    guard metric.rows == rows.count else {
      throw AnalysisError.invalidArgument("the metric is defined for \(metric.rows) prompts, the batch has \(rows.count)")
    }
  }

  var B: Int { batch.tokens.count }
  var T: Int { batch.positions }
  /// nil when every row has T tokens (no padding to mask).
  var lengths: [Int]? { batch.lengths.allSatisfy { $0 == T } ? nil : batch.lengths }

  /// The metric of each prompt row with no edits, [B].
  func baseline() throws -> [Double] { try evaluate(batch) }

  /// The metric of each row of an unpatched batch with the target's answers (the clean or the
  /// corrupted prompts), measured the same way as the patched passes.
  func evaluate(_ rows: PaddedBatch) throws -> [Double] {
    try measure(variants: 1) { try subject.model.forward(rows, logits: logitSelection) }
  }

  var logitSelection: LogitPositions { metric.kind == .logitDifference ? .positions([]) : metric.readsEveryPosition ? .all : .last }

  /// The metric of every row of a pass over `variants` stacked copies of the prompts.
  func measure(variants: Int, _ pass: () throws -> Tensor) throws -> [Double] {
    guard let readout else { return try metric.tiled(variants).perRow(pass()) }
    let lengths = self.lengths
    return try readout.measure(model: subject.model, last: { row, positions in
      positions == T ? (lengths?[row % B] ?? T) - 1 : positions - 1
    }, pass)
  }

  /// The metric of every prompt row of every variant, [variants][B]; nil for the variants a
  /// cancellation left unrun. Progress advances by one per variant.
  ///
  /// Two facts make a sweep cheap. A variant whose edits all lie in blocks ≥ l starts from the
  /// target run's cached `resid_pre` of layer l (the run up to layer l is the unpatched one). And
  /// attention is causal, so a variant whose edits all lie at positions ≥ p leaves positions < p
  /// as they were: it runs only positions p… (the engine's suffix pass), reading the earlier
  /// positions' keys and values from the target run. Variants are grouped by (l, p) and each
  /// group is stacked along the batch axis.
  func run(_ variants: [[ActivationEdit]], progress: AnalysisProgress) throws -> [[Double]?] {
    var out = [[Double]?](repeating: nil, count: variants.count)
    for edits in variants {
      for edit in edits where edit.source.shape.first != B {
        throw AnalysisError.invalidArgument("the source of a patch at \(edit.site.name) has \(edit.source.shape.first ?? 0) rows, the batch \(B)")
      }
    }
    let plans = try variants.map { try PassPlan(edits: $0, runner: self) }
    let needed = Set(plans.compactMap(\.layer))
    let editSites = Set(variants.joined().map(\.site))
    let cache = try targetCache(layers: needed, suffix: plans.contains { $0.offset > 0 }, editSites: editSites)
    // A variant that writes the values the target run already has is the target run: its metric
    // is the baseline, with no pass. (A clean/corrupted pair differing at one token has identical
    // activations at every earlier position, so most by-position cells are such no-ops.)
    let noOps = try variants.indices.filter { try writesTargetValues(variants[$0], cache: cache) }
    if !noOps.isEmpty {
      let base = try baseline()
      for v in noOps { out[v] = base }
      progress.advance(by: noOps.count)
    }
    let skipped = Set(noOps)
    let chunks = PassChunks.plan(plans, rowsPerVariant: { B * (T - $0) }, maximumRows: tokenRowsPerPass)
      .map { ($0.plan, $0.variants.filter { !skipped.contains($0) }) }.filter { !$0.1.isEmpty }
    do {
      try subject.model.withCancellation({ progress.isCancelled }) {
        for (plan, chunk) in chunks {
          if progress.isCancelled { return }
          let hooks = try makeHooks(variants: chunk.map { variants[$0] }, offset: plan.offset)
          let values = try measure(variants: chunk.count) {
            try subject.model.withHooks(hooks) { try forward(plan, variants: chunk.count, cache: cache) }
          }
          for (slot, v) in chunk.enumerated() { out[v] = Array(values[(slot * B)..<((slot + 1) * B)]) }
          progress.advance(by: chunk.count)
        }
      }
    } catch EngineError.cancelled {
      return out
    }
    return out
  }

  /// Where a variant's pass starts: the first block it edits (nil: it edits the embedding, so it
  /// runs from the tokens) and the first position (0 unless every edit is at a later position, the
  /// rows have no padding and the metric reads only the last position).
  struct PassPlan {
    let layer: Int?
    var offset: Int
    var key: Key { Key(layer: layer ?? -1, offset: offset) }

    struct Key: Hashable, Comparable {
      let layer: Int, offset: Int
      static func < (a: Key, b: Key) -> Bool { (a.layer, a.offset) < (b.layer, b.offset) }
    }

    init(edits: [ActivationEdit], runner: VariantRunner) throws {
      let config = runner.subject.config
      for edit in edits { _ = try edit.selector.spans(site: edit.site, T: runner.T, config: config) }  // refuse bad heads and positions
      layer = edits.isEmpty ? runner.subject.layers : edits.map { $0.site.layer ?? -1 }.min().flatMap { $0 < 0 ? nil : $0 }
      let suffixAllowed = layer != nil && runner.lengths == nil && !runner.metric.readsEveryPosition && !edits.isEmpty
      offset = suffixAllowed ? min(edits.map(\.selector.firstPosition).min()!, runner.T - 1) : 0
    }
  }

  /// One stacked pass of `variants` copies of the prompts, as `plan` says.
  private func forward(_ plan: PassPlan, variants: Int, cache: ActivationCache) throws -> Tensor {
    let model = subject.model
    let stackedLengths = lengths.map { Array([[Int]](repeating: $0, count: variants).joined()) }
    guard let layer = plan.layer else {
      return try model.forward(PaddedBatch(Array([[[Int]]](repeating: rows, count: variants).joined())), logits: logitSelection)
    }
    let residual = residualStream(cache, layer: layer)  // [B,T,C]
    let C = subject.config.modelDim, p = plan.offset, S = T - p
    var suffix = [Float]()
    suffix.reserveCapacity(variants * B * S * C)
    for _ in 0..<variants {
      for b in 0..<B { suffix += residual.values[((b * T + p) * C)..<((b * T + T) * C)] }
    }
    let stacked = Tensor(shape: [variants * B, S, C], values: suffix)
    guard p > 0 else { return try model.forward(fromLayer: layer, residual: stacked, lengths: stackedLengths, logits: logitSelection) }
    let prefix = try AttentionPrefix(cache: cache, layers: layer..<subject.layers, positions: p, variants: variants)
    return try model.forward(fromLayer: layer, suffix: stacked, offset: p, prefix: prefix, logits: logitSelection)
  }

  /// The target run's activations the passes start from: `resid_pre` of each start layer (layer L
  /// is the input of ln_final), and every layer's keys and values when a suffix pass needs them.
  private func targetCache(layers: Set<Int>, suffix: Bool, editSites: Set<HookSite>) throws -> ActivationCache {
    var sites = Set(layers.map { residualSite($0) }).union(editSites)
    if suffix { for l in 0..<subject.layers { sites.insert(.block(l, .k)); sites.insert(.block(l, .v)) } }
    guard !sites.isEmpty else { return ActivationCache() }
    return try subject.model.runWithCache(batch, sites: sites).cache
  }

  /// Whether every edit writes exactly the values the target run has at its elements.
  private func writesTargetValues(_ edits: [ActivationEdit], cache: ActivationCache) throws -> Bool {
    guard !edits.isEmpty else { return false }
    for edit in edits {
      guard let target = cache[edit.site] else { return false }
      let spans = try edit.selector.spans(site: edit.site, T: T, config: subject.config)
      let row = target.count / B
      for b in 0..<B {
        for span in spans {
          let start = b * row + span.offset
          if edit.source.values[start..<(start + span.length)] != target.values[start..<(start + span.length)] { return false }
        }
      }
    }
    return true
  }

  private func residualSite(_ layer: Int) -> HookSite {
    layer == subject.layers ? .block(layer - 1, .residPost) : .block(layer, .residPre)
  }

  private func residualStream(_ cache: ActivationCache, layer: Int) -> Tensor { cache[residualSite(layer)]! }

  /// One hook per patched site, writing each variant's edits into its own rows (of a pass over
  /// positions `offset`…).
  private func makeHooks(variants: [[ActivationEdit]], offset: Int) throws -> [Hook] {
    struct Write { let slot: Int; let spans: [(source: Int, destination: Int, length: Int)]; let source: Tensor }
    var bySite: [HookSite: [Write]] = [:]
    for (slot, edits) in variants.enumerated() {
      for edit in edits {
        let spans = try edit.selector.suffixSpans(site: edit.site, T: T, p: offset, config: subject.config)
        bySite[edit.site, default: []].append(Write(slot: slot, spans: spans, source: edit.source))
      }
    }
    let B = self.B
    return bySite.map { site, writes in
      Hook(site) { tensor, _ in
        let rowSize = tensor.count / tensor.shape[0]  // one prompt row's elements in this pass
        tensor.values.withUnsafeMutableBufferPointer { out in
          for write in writes {
            write.source.values.withUnsafeBufferPointer { src in
              let sourceRow = src.count / B  // one prompt row of the full-length source
              for b in 0..<B {
                let dst = out.baseAddress! + (write.slot * B + b) * rowSize
                let from = src.baseAddress! + b * sourceRow
                for span in write.spans { (dst + span.destination).update(from: from + span.source, count: span.length) }
              }
            }
          }
        }
      }
    }
  }
}
