import CircuitAnalysis
import Foundation
import TransformerEngine

extension Workbench {
  /// `cache FILE.safetensors [sites=PATTERN,...]`: the activations of one forward pass of the
  /// prompt under the active interventions, written atomically as safetensors (F32) keyed by
  /// TransformerLens hook names with TransformerLens shapes, batch axis 1 included
  /// (`blocks.0.attn.hook_pattern` [1,NH,T,T], `unembed.hook_out` [1,T,V]), so a notebook reads it
  /// with `safetensors.torch.load_file` (scripts/make_workbench_fixtures.py shows how).
  ///
  /// Without `sites=` it writes every site `runWithCache` records by default; with it, the sites
  /// whose names match one of the comma-separated globs (`*` any run of characters, `?` one).
  /// Opt-in sites (`hook_result`, `hook_attn_in`, `hook_q/k/v_input`, `hook_mlp_in`) are written
  /// only when a pattern names them (no wildcard after its last dot). Like `export` it only writes
  /// a file, so it is not part of a session's history.
  func exportCache(_ a: CommandArguments) throws -> CommandOutput {
    let path = a.positional(0)!
    let url = URL(fileURLWithPath: path.text)
    guard url.pathExtension.lowercased() == "safetensors" else {
      throw path.error("cache writes a .safetensors file, not '\(url.pathExtension.isEmpty ? path.text : "." + url.pathExtension)'").withUsage(a.spec.usage)
    }
    let (m, prompt) = try promptTokens(a)
    let all = HookSite.allSites(layers: m.subject.layers)
    var sites = all.filter { !$0.point.isOptIn }
    if let option = a.option("sites") {
      let patterns = option.text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      for pattern in patterns where !all.contains(where: { Self.site($0, matches: pattern) }) {
        var message = "'\(pattern)' matches no hook site; names look like blocks.0.attn.hook_pattern"
        if let guess = EditDistance.suggestion(for: pattern, among: all.map(\.name)) { message += "; did you mean '\(guess)'?" }
        throw option.error(message).withUsage(a.spec.usage)
      }
      sites = all.filter { site in patterns.contains { Self.site(site, matches: $0) } }
    }
    let (_, cache) = try withInterventions(m, tokens: prompt) {
      try m.subject.model.runWithCache([prompt], sites: Set(sites), logits: .all)
    }
    let items = try sites.map { site -> SafetensorsWriter.Item in
      guard let tensor = cache[site] else { throw AnalysisError.invalidArgument("the forward pass recorded nothing at \(site.name)") }
      return SafetensorsWriter.Item(site.name, tensor)
    }
    let metadata = [
      "format": "headlab.cache/1", "model": m.reference, "model_sha256": m.subject.identity.sha256,
      "prompt": inputs.prompt ?? "", "tokens": prompt.map(String.init).joined(separator: ","),
      "interventions": interventions.ablations.map(\.description).joined(separator: "; "),
    ]
    try SafetensorsWriter.write(items, metadata: metadata, to: url)
    let bytes = items.map { $0.tensor.count * 4 }.reduce(0, +)
    return .message("wrote \(items.count) activation\(items.count == 1 ? "" : "s") of \(prompt.count) tokens (\(bytes / 1024) KiB, \(interventionsSummary)) to \(path.text)")
  }

  /// Whether `site`'s name matches the glob `pattern`; an opt-in site only when the pattern's last
  /// dot-separated part is written out.
  static func site(_ site: HookSite, matches pattern: String) -> Bool {
    if site.point.isOptIn, let last = pattern.split(separator: ".").last, last.contains(where: { $0 == "*" || $0 == "?" }) { return false }
    return glob(Array(pattern.unicodeScalars), matches: Array(site.name.unicodeScalars))
  }

  /// `*` matches any run of characters (dots included), `?` any one.
  static func glob(_ pattern: [Unicode.Scalar], matches name: [Unicode.Scalar]) -> Bool {
    // matched[j]: pattern[..<i] matches name[..<j], row by row over i.
    var matched = [Bool](repeating: false, count: name.count + 1)
    matched[0] = true
    for p in pattern {
      var next = [Bool](repeating: false, count: name.count + 1)
      if p == "*" {
        next[0] = matched[0]
        for j in 0..<name.count { next[j + 1] = next[j] || matched[j + 1] }
      } else {
        for j in 0..<name.count where matched[j] && (p == "?" || p == name[j]) { next[j + 1] = true }
      }
      matched = next
    }
    return matched[name.count]
  }
}
