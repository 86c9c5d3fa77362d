/// One character cell of the screen: what it shows and its role.
public struct Cell: Equatable, Sendable {
  public var character: Character
  public var role: StyleRole
  /// For a half-block cell (`▀`, two matrix rows in one text row): the role whose colour fills
  /// the lower half. The device draws the upper half in `role`'s background colour and the lower
  /// half in `lower`'s. Nil for an ordinary cell.
  public var lower: StyleRole?

  public init(_ character: Character = " ", _ role: StyleRole = .text, lower: StyleRole? = nil) {
    self.character = character
    self.role = role
    self.lower = lower
  }
}
