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
  /// The prompts every variant runs on, B rows of T tokens.
  let tokens: [[Int]]
  let metric: Metric
  /// Upper bound on B × variants × T token rows in one pass (bounds the activation memory).
  var tokenRowsPerPass = 2048

  init(subject: AnalysisSubject, tokens: [[Int]], metric: Metric) throws {
    self.subject = subject
    self.tokens = tokens
    self.metric = metric
    _ = try subject.model.validate(tokens: tokens)
    guard metric.rows == tokens.count else {
      throw AnalysisError.invalidArgument("the metric is defined for \(metric.rows) prompts, the batch has \(tokens.count)")
    }
  }

  var B: Int { tokens.count }
  var T: Int { tokens[0].count }

  /// The metric of each prompt row with no edits, [B].
  func baseline() throws -> [Double] {
    try metric.perRow(subject.model.forward(tokens, logits: logitSelection))
  }

  var logitSelection: LogitPositions { metric.readsEveryPosition ? .all : .last }

  /// The metric of every prompt row of every variant, [variants][B]; nil for the variants a
  /// cancellation left unrun. Progress advances by one per variant.
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
    var start = 0
    while start < variants.count {
      if progress.isCancelled { return out }
      let end = min(variants.count, start + perPass)
      let chunk = Array(start..<end)
      let stacked = Array(chunk.map { _ in tokens }.joined())
      let hooks = makeHooks(variants: chunk.map { variants[$0] }, spans: chunk.map { spans[$0] })
      let logits = try subject.model.withHooks(hooks) { try subject.model.forward(stacked, logits: logitSelection) }
      let values = try metric.tiled(chunk.count).perRow(logits)
      for (slot, v) in chunk.enumerated() { out[v] = Array(values[(slot * B)..<((slot + 1) * B)]) }
      progress.advance(by: chunk.count)
      start = end
    }
    return out
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
