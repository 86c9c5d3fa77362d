/// Runs the active hooks of one site on a workspace buffer: copies the buffer into a `Tensor` of
/// the site's shape, runs each hook in registration order, and copies the values back.
/// With no hooks at a site it does nothing, so an unhooked forward pass pays one dictionary lookup.
struct HookVisitor {
  let registry: HookRegistry
  let config: ModelConfig
  let B: Int, T: Int
  /// The key positions of `hook_attn_scores` / `hook_pattern` when they differ from T (a suffix
  /// pass: [B,NH,T,p+T]); nil: [B,NH,T,T].
  var keys: Int? = nil

  /// The shape a site's hooks see.
  func shape(_ site: HookSite) -> [Int] {
    if let keys, site.point == .attnScores || site.point == .pattern { return [B, config.heads, T, keys] }
    return site.shape(batch: B, positions: T, config: config)
  }

  func isHooked(_ site: HookSite) -> Bool { registry.hooks(at: site) != nil }

  /// A dense buffer holding exactly the site's activation.
  func visit(_ site: HookSite, _ buffer: UnsafeMutablePointer<Float>) throws {
    guard let hooks = registry.hooks(at: site) else { return }
    let shape = self.shape(site)
    var tensor = Tensor(shape: shape, copying: buffer)
    try run(hooks, site, &tensor, shape)
    tensor.values.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: $0.count) }
  }

  /// An activation laid out as `rows` (default B*T) rows of `rowLength` floats, `stride` floats
  /// apart (q, k and v inside the fused [B,T,3C] projection; a suffix pass's query rows of its
  /// [B,NH,K,K] scores).
  func visitRows(_ site: HookSite, _ base: UnsafeMutablePointer<Float>, rowLength: Int, stride: Int, rows: Int? = nil) throws {
    guard let hooks = registry.hooks(at: site) else { return }
    let shape = self.shape(site)
    var tensor = Tensor(shape: shape)
    let rows = rows ?? B * T
    tensor.values.withUnsafeMutableBufferPointer { out in
      for r in 0..<rows { (out.baseAddress! + r * rowLength).update(from: base + r * stride, count: rowLength) }
    }
    try run(hooks, site, &tensor, shape)
    tensor.values.withUnsafeBufferPointer { src in
      for r in 0..<rows { (base + r * stride).update(from: src.baseAddress! + r * rowLength, count: rowLength) }
    }
  }

  private func run(_ hooks: [Hook], _ site: HookSite, _ tensor: inout Tensor, _ shape: [Int]) throws {
    for hook in hooks {
      try hook.body(&tensor, site)
      try tensor.check(shape: shape, hook: site.name)
    }
  }
}
