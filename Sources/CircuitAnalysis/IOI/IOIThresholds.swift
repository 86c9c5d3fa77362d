/// The evidence thresholds the IOI report classifies heads with (Wang et al. 2023, section 3;
/// papers.md section 3). Fractions of the logit difference LD are of the clean mean LD; path
/// effects are relative changes (LD_patched - LD_clean) / LD_clean, negative when the path
/// carries the behaviour.
public struct IOIThresholds: Sendable, Equatable {
  /// Name mover: DLA at END >= this fraction of LD …
  public var nameMoverDLA = 0.10
  /// … and attention END -> IO >= this …
  public var nameMoverAttention = 0.3
  /// … and OV copy score (names, top 5) >= this.
  public var nameMoverCopy = 0.5
  /// Negative name mover: DLA at END <= -this fraction of LD, attention END -> IO >= the name
  /// mover's, and negative copy score >= `nameMoverCopy`.
  public var negativeDLA = 0.10
  /// Backup name mover: its DLA at END grows by >= this fraction of LD when the name movers are
  /// mean-ablated (it takes over) …
  public var backupGain = 0.05
  /// … and it attends END -> IO >= this.
  public var backupAttention = 0.1
  /// S-inhibition, induction, duplicate-token and previous-token heads: path patching to their
  /// receivers changes LD by <= -this (relative).
  public var pathEffect = 0.05
  /// Their attention at the role position: END -> S2 (S-inhibition), S2 -> S1+1 (induction),
  /// S2 -> S1 (duplicate-token), S1+1 -> S1 (previous-token) >= this.
  public var roleAttention = 0.2
  /// Minimality: every circuit head changes F by >= this fraction of F(M) for some K.
  public var minimality = 0.03

  public init() {}

  var params: JSONValue {
    let rules: [String: String] = [
      "name_mover": "dla_frac >= \(nameMoverDLA), attn END->IO >= \(nameMoverAttention), copy >= \(nameMoverCopy)",
      "negative_name_mover": "dla_frac <= -\(negativeDLA), attn END->IO >= \(nameMoverAttention), negative copy >= \(nameMoverCopy)",
      "backup_name_mover": "not a (negative) name mover; dla_frac gain with name movers mean-ablated >= \(backupGain), attn END->IO >= \(backupAttention)",
      "s_inhibition": "path -> name-mover queries <= -\(pathEffect) (relative), attn END->S2 >= \(roleAttention)",
      "induction": "path -> S-inhibition values <= -\(pathEffect), attn S2->S1+1 >= \(roleAttention)",
      "duplicate_token": "path -> S-inhibition values <= -\(pathEffect), attn S2->S1 >= \(roleAttention)",
      "previous_token": "path -> induction keys <= -\(pathEffect), attn S1+1->S1 >= \(roleAttention)",
      "minimality": "some K gives |F(C\\(K+v)) - F(C\\K)| >= \(minimality) F(M)",
      "precedence": "a head meeting several classes takes the first in the order listed in classes",
    ]
    return .object(rules.mapValues { .string($0) })
  }
}
