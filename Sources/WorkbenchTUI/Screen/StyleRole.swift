/// What a cell means, not how it looks: panels draw roles, and a `Theme` maps each role to
/// colours and attributes (or, on a monochrome terminal, to attributes alone).
public enum StyleRole: String, CaseIterable, Codable, Sendable {
  case text, dim, title, border, focusedBorder
  /// The selected head, token or row.
  case selected
  case status, statusAlert, progress
  case error
  case commandLine
  /// Heat levels for scores in [0, 1] (heat1 palest .. heat6 strongest); heat0 is ~0.
  case heat0, heat1, heat2, heat3, heat4, heat5, heat6
  /// Diverging levels for signed effects: cool1..cool6 negative, heat1..heat6 positive.
  case cool1, cool2, cool3, cool4, cool5, cool6
  /// A cell with no value (not computed).
  case missing

  /// The heat role of `level` 0 (about zero) to 6 (strongest), `negative` choosing the cool side.
  public static func heat(level: Int, negative: Bool = false) -> StyleRole {
    let level = max(0, min(6, level))
    if level == 0 { return .heat0 }
    let warm: [StyleRole] = [.heat1, .heat2, .heat3, .heat4, .heat5, .heat6]
    let cool: [StyleRole] = [.cool1, .cool2, .cool3, .cool4, .cool5, .cool6]
    return negative ? cool[level - 1] : warm[level - 1]
  }
}
