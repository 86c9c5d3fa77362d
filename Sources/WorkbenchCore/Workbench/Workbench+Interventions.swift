import CircuitAnalysis
import Foundation
import TransformerEngine

/// The active interventions: heads that stay ablated on every forward pass of `run`, `generate`,
/// `cache`, `lens` and `dla` until `unablate` removes them. `ablate HEADS` adds them (`ablate each`
/// is a sweep and adds none); the session file keeps them in `interventions`, and replaying its
/// history rebuilds them.
///
/// They are forward hooks on `blocks.{l}.attn.hook_z` that replace the head's z, as TransformerLens
/// users write them (zero ablation: z = 0; mean ablation: the mean z over the reference prompts of
/// the prompt's length, per position, Wang et al. 2022 section 3). They are installed outside the
/// analysis's own hooks, so they run first: a cache or decomposition read at `hook_z` or later sees
/// the ablated values, as in TransformerLens's `run_with_cache` inside `model.hooks(...)`.
extension Workbench {
  /// Adds `heads` to the active interventions (replacing an earlier ablation of the same head),
  /// with the mode and reference options `a` gave to `ablate`.
  func activate(_ heads: [HeadIndex], mode: String, seed: UInt64, positions: [Int]?, _ a: CommandArguments) {
    let reference = mode == "zero" ? nil : a.option("reference")?.text
    let count = reference == nil ? nil : a.option("count").flatMap { Int($0.text) } ?? SessionAblation.defaultReferenceCount
    let added = heads.map {
      SessionAblation(layer: $0.layer, head: $0.head, mode: mode, reference: reference, seed: reference == nil ? nil : seed, count: count, positions: positions)
    }
    let kept = interventions.ablations.filter { old in !heads.contains(HeadIndex(old.layer, old.head)) }
    interventions.ablations = (kept + added).sorted { ($0.layer, $0.head) < ($1.layer, $1.head) }
  }

  /// `unablate HEADS|all`: removes heads from the active interventions.
  func unablate(_ a: CommandArguments) throws -> CommandOutput {
    let target = a.positional(0)!
    if target.text == "all" {
      let count = interventions.ablations.count
      interventions.ablations = []
      return .message(count == 0 ? "no heads were ablated" : "unablated \(count) head\(count == 1 ? "" : "s"); no interventions active")
    }
    let m = try loadedModel()
    let heads = Set(try a.reading { try target.headPattern().resolve(layers: m.subject.layers, heads: m.subject.heads) })
    let removed = interventions.ablations.filter { heads.contains(HeadIndex($0.layer, $0.head)) }
    guard !removed.isEmpty else {
      throw target.error("\(target.text) matches no ablated head (\(interventionsSummary))").withUsage(a.spec.usage)
    }
    interventions.ablations.removeAll { heads.contains(HeadIndex($0.layer, $0.head)) }
    return .message("unablated \(removed.map { "\($0.layer).\($0.head)" }.joined(separator: ",")); \(interventionsSummary)")
  }

  /// `interventions`: the active interventions, one line each.
  func listInterventions(_ a: CommandArguments) throws -> CommandOutput {
    guard !interventions.ablations.isEmpty else { return .message("no interventions active") }
    return .message((["ablated heads (on run, generate, cache, lens and dla):"] + interventions.ablations.map { "  \($0)" }).joined(separator: "\n"))
  }

  /// `ablated: 2.0 zero, 2.1 zero`, or `no heads ablated`.
  var interventionsSummary: String {
    interventions.ablations.isEmpty ? "no heads ablated" : "ablated: " + interventions.ablations.map(\.description).joined(separator: ", ")
  }

  /// The active interventions as a result's `params.interventions`: one object per ablated head.
  var interventionsJSON: JSONValue {
    .array(interventions.ablations.map { ablation in
      var object: [String: JSONValue] = ["head": .string("\(ablation.layer).\(ablation.head)"), "mode": .string(ablation.mode)]
      if let reference = ablation.reference { object["reference"] = .string(reference) }
      if let count = ablation.count { object["count"] = .integer(count) }
      if let seed = ablation.seed { object["seed"] = .integer(Int(seed)) }
      if let positions = ablation.positions { object["positions"] = .integers(positions) }
      return .object(object)
    })
  }

  /// Runs `body` (forward passes over `tokens`, or over a batch whose rows all are `tokens`) with
  /// the active interventions installed.
  func withInterventions<R>(_ m: WorkbenchModel, tokens: [Int], _ body: () throws -> R) throws -> R {
    let hooks = try interventionHooks(m, tokens: tokens)
    return try m.subject.model.withHooks(hooks, body)
  }

  /// `body`'s results computed under the active interventions, each recording them in
  /// `params.interventions`.
  func applyingInterventions(_ m: WorkbenchModel, tokens: [Int], _ body: () throws -> [AnalysisResult]) throws -> [AnalysisResult] {
    var results = try withInterventions(m, tokens: tokens, body)
    for i in results.indices { results[i].params["interventions"] = interventionsJSON }
    return results
  }

  /// One hook per layer with ablated heads, writing each head's replacement into z [B,T,NH,HS] at
  /// its positions (every row alike). Mean and resample replacements are computed here, on the
  /// model without these hooks, for `tokens`' length.
  func interventionHooks(_ m: WorkbenchModel, tokens: [Int]) throws -> [Hook] {
    guard !interventions.ablations.isEmpty else { return [] }
    let NH = m.subject.heads, HS = m.subject.config.headDim
    var replacements: [String: [Tensor]] = [:]  // per reference: [L] × [1,T,NH,HS]
    var edits: [Int: [HeadEdit]] = [:]
    for ablation in interventions.ablations {
      try m.subject.check(head: HeadIndex(ablation.layer, ablation.head))
      var source: Tensor?
      if ablation.mode != "zero" {
        let key = "\(ablation.mode) \(ablation.reference ?? "") \(ablation.count ?? 0) \(ablation.seed ?? 0)"
        if replacements[key] == nil { replacements[key] = try ablationMode(ablation, m).replacementZ(subject: m.subject, prompt: tokens) }
        source = replacements[key]![ablation.layer]
      }
      edits[ablation.layer, default: []].append(HeadEdit(head: ablation.head, positions: ablation.positions, source: source))
    }
    return edits.sorted { $0.key < $1.key }.map { layer, list in
      Hook(.block(layer, .z)) { z, _ in
        let B = z.shape[0], T = z.shape[1]  // z [B,T,NH,HS]; a source is [1,T,NH,HS]
        for b in 0..<B {
          for edit in list {
            for t in edit.positions ?? Array(0..<T) where t < T {
              let at = ((b * T + t) * NH + edit.head) * HS, from = (t * NH + edit.head) * HS
              for i in 0..<HS { z.values[at + i] = edit.source?.values[from + i] ?? 0 }
            }
          }
        }
      }
    }
  }

  /// What replaces an ablated head's z, rebuilt from the session's description of it (the same
  /// reference dataset `ablate` drew).
  func ablationMode(_ ablation: SessionAblation, _ m: WorkbenchModel) throws -> AblationMode {
    guard ablation.mode != "zero" else { return .zero }
    guard let name = ablation.reference, ["mean", "resample"].contains(ablation.mode) else {
      throw AnalysisError.invalidArgument("the intervention on head \(ablation.layer).\(ablation.head) has mode \(ablation.mode.debugDescription) without a reference; expected zero, or mean/resample with a reference")
    }
    let seed = ablation.seed ?? 0
    let reference = try PromptDataset.named(name, count: ablation.count ?? SessionAblation.defaultReferenceCount, seed: seed, tokenizer: m.tokenizer)
      .ablationReference()
    return ablation.mode == "mean" ? .mean(reference) : .resample(reference, seed: seed)
  }
}

/// One ablated head of a layer: its positions (nil: all) and its replacement z, [1,T,NH,HS]
/// (nil: zeros).
struct HeadEdit: Sendable {
  let head: Int
  let positions: [Int]?
  let source: Tensor?
}
