/// Activations recorded during one forward pass, keyed by hook site, in TransformerLens shapes.
public struct ActivationCache: Sendable {
  public private(set) var activations: [HookSite: Tensor] = [:]

  public init() {}

  public subscript(site: HookSite) -> Tensor? {
    get { activations[site] }
    set { activations[site] = newValue }
  }

  /// Looks up by TransformerLens name, e.g. `cache["blocks.0.attn.hook_pattern"]`.
  public subscript(name: String) -> Tensor? {
    activations.first { $0.key.name == name }?.value
  }

  /// The recorded sites in forward order.
  public var sites: [HookSite] { activations.keys.sorted() }
}
