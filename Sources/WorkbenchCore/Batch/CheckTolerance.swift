import Foundation

/// How closely `--check` requires a recomputed result to match the stored one, per result kind.
///
/// Continuous kinds (everything HeadLab makes today: patching, ablation, AtP, lens, DLA, detector
/// and relevance values) compare numbers within absolute + relative·|stored|, tokens exactly.
/// Discontinuous kinds (causal head gating's labels after many Adam steps at lr 1.0, ACDC's
/// keep/drop decisions at tau) declare a decision threshold: their cells compare by the side of
/// the threshold they fall on, and a stored and a recomputed value on opposite sides but both
/// within `absolute` of the threshold are *borderline*, reported but not a mismatch, so a session
/// recorded on one machine replays green on another. Such kinds register their rule in the table
/// (`register(_:forKind:)`) where they are defined.
public struct CheckTolerance: Sendable, Equatable {
  public var absolute: Double
  public var relative: Double
  /// The decision threshold of a discontinuous kind; nil for a continuous one.
  public var threshold: Double?

  public init(absolute: Double, relative: Double, threshold: Double? = nil) {
    self.absolute = absolute
    self.relative = relative
    self.threshold = threshold
  }

  public static let continuous = CheckTolerance(absolute: 1e-5, relative: 1e-5)

  /// A trajectory (an optimiser's loss per step): its shape is checked, its values are not,
  /// because rounding differences between BLAS kernel families grow chaotically over hundreds of
  /// stochastic steps while the decisions the run ends in still agree.
  public static let trajectory = CheckTolerance(absolute: .infinity, relative: 0)

  /// Whether the kind's values are compared at all (false for `trajectory`).
  public var comparesValues: Bool { absolute.isFinite }

  /// A discontinuous kind decided at `threshold`; values within `margin` of it are borderline.
  public static func decision(threshold: Double, margin: Double) -> CheckTolerance {
    CheckTolerance(absolute: margin, relative: 0, threshold: threshold)
  }

  /// How a stored cell and its recomputation compare.
  public enum Verdict: Sendable, Equatable {
    case same
    /// On opposite sides of the decision threshold, both within the tolerance of it.
    case borderline
    case mismatch
  }

  public func verdict(stored: Double, recomputed: Double) -> Verdict {
    guard let threshold else {
      return abs(stored - recomputed) <= absolute + relative * abs(stored) ? .same : .mismatch
    }
    if (stored >= threshold) == (recomputed >= threshold) { return .same }
    let near = abs(stored - threshold) <= absolute && abs(recomputed - threshold) <= absolute
    return near ? .borderline : .mismatch
  }

  /// The tolerance a result of `kind` is checked with: the registered rule of the kind or of its
  /// nearest registered family (`chg` covers `chg.gates`), else `continuous`.
  public static func forKind(_ kind: String) -> CheckTolerance {
    var name = Substring(kind)
    while true {
      if let rule = table.rule(String(name)) { return rule }
      guard let dot = name.lastIndex(of: ".") else { return .continuous }
      name = name[..<dot]
    }
  }

  /// Registers the rule of `kind` and of the kinds below it (`kind.…`).
  public static func register(_ tolerance: CheckTolerance, forKind kind: String) { table.set(tolerance, for: kind) }

  /// Removes a registered rule (for tests).
  public static func unregister(kind: String) { table.set(nil, for: kind) }

  private static let table = Table()

  /// The registered rules, safe to read and change from any thread.
  private final class Table: @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [String: CheckTolerance] = [:]
    func rule(_ kind: String) -> CheckTolerance? { lock.withLock { rules[kind] } }
    func set(_ rule: CheckTolerance?, for kind: String) { lock.withLock { rules[kind] = rule } }
  }
}
