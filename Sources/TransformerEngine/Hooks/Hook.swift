/// A function run at a hook site during the forward pass. It receives the activation as a
/// `Tensor` of the site's TransformerLens shape and may read it or replace its values in place;
/// changing the shape is an error.
public struct Hook: Sendable {
  public let site: HookSite
  public let body: @Sendable (inout Tensor, HookSite) throws -> Void

  public init(_ site: HookSite, _ body: @escaping @Sendable (inout Tensor, HookSite) throws -> Void) {
    self.site = site
    self.body = body
  }

  /// A hook that only reads.
  public static func reading(_ site: HookSite, _ body: @escaping @Sendable (Tensor, HookSite) throws -> Void) -> Hook {
    Hook(site) { tensor, site in try body(tensor, site) }
  }
}

/// The hooks active on a model: a stack of scopes, each removed when its scope ends.
final class HookRegistry: @unchecked Sendable {
  private var scopes: [[Hook]] = []
  /// Flattened view of every active scope, rebuilt on push/pop.
  private(set) var bySite: [HookSite: [Hook]] = [:]

  var isEmpty: Bool { bySite.isEmpty }

  func push(_ hooks: [Hook]) {
    scopes.append(hooks)
    rebuild()
  }

  func pop() {
    scopes.removeLast()
    rebuild()
  }

  func hooks(at site: HookSite) -> [Hook]? { bySite.isEmpty ? nil : bySite[site] }

  private func rebuild() {
    var map: [HookSite: [Hook]] = [:]
    for scope in scopes { for hook in scope { map[hook.site, default: []].append(hook) } }
    bySite = map
  }
}

extension Tensor {
  /// Throws unless the tensor still has `shape` and exactly that many values (a hook may replace
  /// values in place but not resize: the engine copies them back into fixed buffers).
  func check(shape expected: [Int], hook: String) throws {
    if shape != expected || values.count != expected.reduce(1, *) {
      throw EngineError.hookChangedShape(hook: hook, expected: expected, got: values.count == shape.reduce(1, *) ? shape : [values.count])
    }
  }
}
