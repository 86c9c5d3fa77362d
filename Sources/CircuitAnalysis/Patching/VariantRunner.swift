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
  /// Upper bound on B × variants × T token rows in one pass (bounds the activation memory).
  var tokenRowsPerPass = 2048

  init(subject: AnalysisSubject, rows: [[Int]], metric: Metric) throws {
    self.subject = subject
    self.rows = rows
    self.batch = PaddedBatch(rows)
    self.metric = metric
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
  func baseline() throws -> [Double] {
    try metric.perRow(subject.model.forward(batch, logits: logitSelection))
  }

  var logitSelection: LogitPositions { metric.readsEveryPosition ? .all : .last }

  /// The metric of every prompt row of every variant, [variants][B]; nil for the variants a
  /// cancellation left unrun. Progress advances by one per variant.
  ///
  /// Variants are grouped by the first layer they edit: a variant whose edits all lie in blocks
  /// ≥ l starts from the target run's cached `resid_pre` of layer l (the run up to layer l is
  /// the unpatched one), so a patch at layer l costs only the blocks from l on.
  func run(_ variants: [[ActivationEdit]], progress: AnalysisProgress) throws -> [[Double]?] {
    var out = [[Double]?](repeating: nil, count: variants.count)
    let perPass = max(1, tokenRowsPerPass / max(1, B * T))
    // Resolve every edit's spans once, refusing a bad head or position before any work.
    let spans = try variants.map { edits in
      try edits.map { edit -> [(offset: Int, length: Int)] in
        guard edit.source.shape.first == B else {
          throw AnalysisError.invalidArgument("the source of a patch at \(edit.site.name) has \(edit.source.shape.first ?? 0) rows, the batch \(B)")
        }
        return try edit.selector.spans(site: edit.site, T: T, config: subject.config)
      }
    }
    // The first block each variant touches (nil: it edits the embedding, so it runs from tokens).
    let startLayers: [Int?] = variants.map { edits in
      edits.isEmpty ? subject.layers : edits.map { $0.site.layer ?? -1 }.min().flatMap { $0 < 0 ? nil : $0 }
    }
    let residuals = try cachedResidualStream(layers: Set(startLayers.compactMap { $0 }))
    let order = variants.indices.sorted { (startLayers[$0] ?? -1, $0) < (startLayers[$1] ?? -1, $1) }
    var start = 0
    do {
      try subject.model.withCancellation({ progress.isCancelled }) {
        while start < order.count {
          if progress.isCancelled { return }
          let layer = startLayers[order[start]]
          var end = start
          while end < order.count, end - start < perPass, startLayers[order[end]] == layer { end += 1 }
          let chunk = Array(order[start..<end])
          let hooks = makeHooks(variants: chunk.map { variants[$0] }, spans: chunk.map { spans[$0] })
          let logits = try subject.model.withHooks(hooks) { () -> Tensor in
            let stackedLengths = lengths.map { Array([[Int]](repeating: $0, count: chunk.count).joined()) }
            guard let layer else {
              return try subject.model.forward(PaddedBatch(Array([[[Int]]](repeating: rows, count: chunk.count).joined())), logits: logitSelection)
            }
            let residual = residuals[layer]!  // [B,T,C]
            let stacked = Tensor(shape: [chunk.count * B] + residual.shape.dropFirst(), values: Array([[Float]](repeating: residual.values, count: chunk.count).joined()))
            return try subject.model.forward(fromLayer: layer, residual: stacked, lengths: stackedLengths, logits: logitSelection)
          }
          let values = try metric.tiled(chunk.count).perRow(logits)
          for (slot, v) in chunk.enumerated() { out[v] = Array(values[(slot * B)..<((slot + 1) * B)]) }
          progress.advance(by: chunk.count)
          start = end
        }
      }
    } catch EngineError.cancelled {
      return out
    }
    return out
  }

  /// The target run's residual stream entering each of `layers` ([B,T,C] each; layer L is the
  /// input of ln_final).
  private func cachedResidualStream(layers: Set<Int>) throws -> [Int: Tensor] {
    guard !layers.isEmpty else { return [:] }
    let L = subject.layers
    let sites = Set(layers.map { $0 == L ? HookSite.block(L - 1, .residPost) : HookSite.block($0, .residPre) })
    let (_, cache) = try subject.model.runWithCache(batch, sites: sites)
    return Dictionary(uniqueKeysWithValues: layers.map { l in (l, cache[l == L ? HookSite.block(L - 1, .residPost) : HookSite.block(l, .residPre)]!) })
  }

  /// One hook per patched site, writing each variant's edits into its own rows.
  private func makeHooks(variants: [[ActivationEdit]], spans: [[[(offset: Int, length: Int)]]]) -> [Hook] {
    struct Write { let slot: Int; let spans: [(offset: Int, length: Int)]; let source: Tensor }
    var bySite: [HookSite: [Write]] = [:]
    for (slot, edits) in variants.enumerated() {
      for (e, edit) in edits.enumerated() { bySite[edit.site, default: []].append(Write(slot: slot, spans: spans[slot][e], source: edit.source)) }
    }
    let B = self.B
    return bySite.map { site, writes in
      Hook(site) { tensor, _ in
        let rowSize = tensor.count / tensor.shape[0]  // one prompt row's elements
        tensor.values.withUnsafeMutableBufferPointer { out in
          for write in writes {
            write.source.values.withUnsafeBufferPointer { src in
              for b in 0..<B {
                let dst = out.baseAddress! + (write.slot * B + b) * rowSize
                let from = src.baseAddress! + b * rowSize
                for span in write.spans { (dst + span.offset).update(from: from + span.offset, count: span.length) }
              }
            }
          }
        }
      }
    }
  }
}
